/**
 * Saving a checkpoint with the run's summary. A full storage is an outcome, not a crash: the
 * caller pauses the run (its state intact in memory) and keeps offering only the checkpoints
 * that were saved.
 */
import type { RunConfig } from '../config';
import type { CheckpointKind, CheckpointStore } from './store/types';
import { isQuotaError, StorageFullError, storageFullMessage } from './store/storageFull';
import type { RunState, RunSummary } from './protocol';

/** What the run list shows of a run (saved with each checkpoint). */
export function runSummary(
  runId: string,
  config: RunConfig,
  step: number,
  scores: { bestValAccuracy: number | null; testAccuracy: number | null },
  state: RunState,
): RunSummary {
  return { runId, name: runId, config, step, updatedAt: Date.now(), ...scores, state };
}

/** Save `bytes`; `{ full }` with the message when the storage is full (other errors are thrown). */
export async function saveCheckpoint(
  store: CheckpointStore,
  kind: CheckpointKind,
  bytes: Uint8Array,
  summary: RunSummary,
): Promise<{ saved: true } | { saved: false; full: string }> {
  try {
    await store.save(summary.runId, kind, bytes, summary);
    return { saved: true };
  } catch (e) {
    if (!isQuotaError(e)) throw e;
    return {
      saved: false,
      full: e instanceof StorageFullError ? e.message : storageFullMessage(null, `the ${kind} checkpoint of step ${summary.step}`),
    };
  }
}
