/**
 * The commands about saved runs (list, curves, delete), answered from the checkpoint store
 * alone: the run in training, if any, is left as it is.
 */
import { parseCheckpoint } from './checkpoint';
import type { FromWorker, RunSummary, ToWorker } from './protocol';
import type { CheckpointStore } from './store/types';

export type SavedRunsCommand = Extract<ToWorker, { type: 'list-runs' | 'saved-metrics' | 'delete-run' | 'annotate-run' }>;

export async function answerSavedRuns(
  store: CheckpointStore,
  post: (msg: FromWorker) => void,
  msg: SavedRunsCommand,
  liveRunId: string | null = null,
): Promise<void> {
  switch (msg.type) {
    case 'list-runs':
      post({ type: 'runs', runs: markInterrupted(await store.list(), liveRunId) });
      return;
    case 'delete-run':
      await store.remove(msg.runId);
      post({ type: 'runs', runs: markInterrupted(await store.list(), liveRunId) });
      return;
    case 'annotate-run': {
      // A refused name comes back with the list, so the page can say why and keep the old one.
      const error = await store.annotate(msg.runId, msg.annotation).then(
        () => undefined,
        (e: Error) => e.message,
      );
      post({ type: 'runs', runs: await store.list(), ...(error === undefined ? {} : { error }) });
      return;
    }
    case 'saved-metrics':
      return post(await savedMetrics(store, msg.runId));
  }
}

/**
 * A run's summary is saved with each checkpoint, so a run that was running when the page went
 * away still says "running": unless it is the run this session trains, it was interrupted.
 */
export function markInterrupted(runs: RunSummary[], liveRunId: string | null): RunSummary[] {
  return runs.map((r) => ((r.state === 'running' || r.state === 'building') && r.runId !== liveRunId ? { ...r, state: 'interrupted' } : r));
}

/** A saved run's metrics, read from its latest checkpoint. */
async function savedMetrics(store: CheckpointStore, runId: string): Promise<FromWorker> {
  try {
    const bytes = await store.load(runId, 'latest');
    if (!bytes) return { type: 'saved-metrics', runId, metricsCsv: null, error: `run ${runId} has no saved checkpoint (${store.where})` };
    return { type: 'saved-metrics', runId, metricsCsv: parseCheckpoint(bytes).metrics.toCsv() };
  } catch (e) {
    return {
      type: 'saved-metrics',
      runId,
      metricsCsv: null,
      error: `the checkpoint of run ${runId} could not be read: ${(e as Error).message}`,
    };
  }
}
