/** A checkpoint store in memory (tests, and the fallback when a browser refuses IndexedDB — which the UI then states). */
import type { RunSummary } from '../protocol';
import { checkRunId, sortRuns, type CheckpointKind, type CheckpointStore } from './types';

export class MemoryCheckpointStore implements CheckpointStore {
  readonly where = 'memory (lost on reload)';
  private readonly blobs = new Map<string, Uint8Array>();
  private readonly summaries = new Map<string, RunSummary>();

  async save(runId: string, kind: CheckpointKind, bytes: Uint8Array, summary: RunSummary): Promise<void> {
    checkRunId(runId);
    this.blobs.set(`${runId}/${kind}`, bytes.slice());
    this.summaries.set(runId, structuredClone(summary));
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
