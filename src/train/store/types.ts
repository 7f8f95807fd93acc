/**
 * Where checkpoints live: IndexedDB in the browser, files in Node, memory in tests. A run has
 * up to two checkpoints, the latest (for resuming) and the best by validation accuracy (the
 * LRA protocol evaluates that one on the test split at the end).
 */
import type { RunSummary } from '../protocol';

export type CheckpointKind = 'latest' | 'best';

export interface CheckpointStore {
  /** Human-readable description for messages ("IndexedDB proxyformer-playground", "files in runs/"). */
  readonly where: string;
  save(runId: string, kind: CheckpointKind, bytes: Uint8Array, summary: RunSummary): Promise<void>;
  load(runId: string, kind: CheckpointKind): Promise<Uint8Array | null>;
  list(): Promise<RunSummary[]>;
  remove(runId: string): Promise<void>;
}

/** Run ids become file names and IndexedDB keys: keep them to a safe alphabet. */
export function checkRunId(runId: string): string {
  if (!/^[A-Za-z0-9._-]{1,80}$/.test(runId) || runId.startsWith('.')) {
    throw new Error(
      `run id ${JSON.stringify(runId.slice(0, 90))} is not allowed: use 1–80 letters, digits, '.', '_' or '-' (not starting with '.')`,
    );
  }
  return runId;
}

/** Newest first. */
export function sortRuns(runs: RunSummary[]): RunSummary[] {
  return runs.sort((a, b) => b.updatedAt - a.updatedAt);
}
