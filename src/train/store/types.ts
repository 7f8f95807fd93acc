/**
 * Where checkpoints live: IndexedDB in the browser, files in Node, memory in tests. A run has
 * up to two checkpoints, the latest (for resuming) and the best by validation accuracy (the
 * LRA protocol evaluates that one on the test split at the end).
 */
import type { RunAnnotation, RunSummary } from '../protocol';

export type CheckpointKind = 'latest' | 'best';

export interface CheckpointStore {
  /** Human-readable description for messages ("IndexedDB proxyformer-playground", "files in runs/"). */
  readonly where: string;
  /** Save a checkpoint and the run's summary; the summary keeps the run's label and notes (a run is renamed once, not on every save). */
  save(runId: string, kind: CheckpointKind, bytes: Uint8Array, summary: RunSummary): Promise<void>;
  /** Set a saved run's label and notes (checked by `checkAnnotation`); throws for a run that is not saved. */
  annotate(runId: string, annotation: RunAnnotation): Promise<void>;
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

/** The longest label and notes a run keeps. */
export const MAX_LABEL = 80;
export const MAX_NOTES = 4000;

/** A trimmed annotation, or an error naming what is wrong and what is allowed. */
export function checkAnnotation(a: RunAnnotation): RunAnnotation {
  const label = typeof a?.label === 'string' ? a.label.trim() : '';
  const notes = typeof a?.notes === 'string' ? a.notes.trim() : '';
  if (label.length === 0) throw new Error('a run name cannot be empty: give 1–80 characters');
  if (label.length > MAX_LABEL) throw new Error(`a run name has at most ${MAX_LABEL} characters, this one has ${label.length}`);
  if (notes.length > MAX_NOTES) throw new Error(`run notes have at most ${MAX_NOTES} characters, these have ${notes.length}`);
  return { label, notes };
}

/** `next` with the label and notes of `previous` (what a checkpoint save keeps). */
export function keepAnnotation(next: RunSummary, previous: RunSummary | undefined): RunSummary {
  const out = { ...next };
  if (previous?.label !== undefined) out.label = previous.label;
  if (previous?.notes !== undefined) out.notes = previous.notes;
  return out;
}

/** Newest first. */
export function sortRuns(runs: RunSummary[]): RunSummary[] {
  return runs.sort((a, b) => b.updatedAt - a.updatedAt);
}
