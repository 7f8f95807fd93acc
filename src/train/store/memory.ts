/** A checkpoint store in memory (tests, and the fallback when a browser refuses IndexedDB — which the UI then states). */
import type { RunAnnotation, RunSummary } from '../protocol';
import { checkAnnotation, checkRunId, keepAnnotation, sortRuns, type CheckpointKind, type CheckpointStore } from './types';

export class MemoryCheckpointStore implements CheckpointStore {
  readonly where = 'memory (lost on reload)';
  private readonly blobs = new Map<string, Uint8Array>();
  private readonly summaries = new Map<string, RunSummary>();

  async save(runId: string, kind: CheckpointKind, bytes: Uint8Array, summary: RunSummary): Promise<void> {
    checkRunId(runId);
    this.blobs.set(`${runId}/${kind}`, bytes.slice());
    this.summaries.set(runId, structuredClone(keepAnnotation(summary, this.summaries.get(runId))));
  }

  async annotate(runId: string, annotation: RunAnnotation): Promise<void> {
    const a = checkAnnotation(annotation);
    const s = this.summaries.get(checkRunId(runId));
    if (!s) throw new Error(`run ${runId} is not saved (${this.where}): nothing to rename`);
    this.summaries.set(runId, { ...s, ...a });
  }

  async load(runId: string, kind: CheckpointKind): Promise<Uint8Array | null> {
    return this.blobs.get(`${checkRunId(runId)}/${kind}`)?.slice() ?? null;
  }

  async list(): Promise<RunSummary[]> {
    return sortRuns([...this.summaries.values()].map((s) => structuredClone(s)));
  }

  async remove(runId: string): Promise<void> {
    checkRunId(runId);
    this.summaries.delete(runId);
    this.blobs.delete(`${runId}/latest`);
    this.blobs.delete(`${runId}/best`);
  }
}
