/**
 * Resuming a saved run: its latest checkpoint, with hot settings overridden (`--resume --lr …`
 * on the command line, Resume with a learning rate on the page), and its best validation
 * accuracy taken from both checkpoints. A best evaluation after the latest checkpoint lives
 * only in the best one; without it, the first evaluation after resuming would count as a new
 * best, overwrite the better best checkpoint and lower the run's best accuracy.
 */
import { isColdKey, validateConfig, type RunConfig } from '../config';
import { checkFinite } from '../io/bundle/weights';
import { ModelConfigError } from '../model/validate';
import { parseCheckpoint, type CheckpointContents } from './checkpointFile';
import type { CheckpointStore } from './store/types';

export interface SavedRun {
  bytes: Uint8Array;
  contents: CheckpointContents;
  /** The checkpoint's config with the overrides applied and validated. */
  config: RunConfig;
  /** The keys whose value the overrides changed. */
  changed: (keyof RunConfig)[];
  bestValAccuracy: number | null;
}

/** Read a run's latest checkpoint (and its best one's accuracy) and apply the overrides; throws ModelConfigError with the reason. */
export async function openSavedRun(store: CheckpointStore, runId: string, overrides: Partial<RunConfig> = {}): Promise<SavedRun> {
  const bytes = await store.load(runId, 'latest');
  if (!bytes) throw new ModelConfigError([`run ${runId} has no saved checkpoint to resume from (${store.where})`]);
  const contents = parseCheckpoint(bytes);
  // A checkpoint written as a run diverged must not bring NaN back into a resumed run: refuse it, naming the tensor.
  try {
    checkFinite(`the latest checkpoint of run ${runId} (step ${contents.step})`, contents.weights);
    checkFinite(`the latest checkpoint of run ${runId} (step ${contents.step})`, momentTensors(contents), undefined, (n) =>
      n.endsWith('.exp_avg_sq'),
    );
  } catch (e) {
    throw new ModelConfigError([(e as Error).message]);
  }
  const changed = (Object.keys(overrides) as (keyof RunConfig)[]).filter((k) => overrides[k] !== contents.config[k]);
  const cold = changed.filter(isColdKey);
  if (cold.length > 0)
    throw new ModelConfigError([
      `resuming cannot change ${cold.join(', ')}: ${cold.length === 1 ? 'it sets' : 'they set'} the model or the data; start a new run for that (training settings such as lr can change)`,
    ]);
  const { config, ok, issues } = validateConfig({ ...contents.config, ...overrides });
  if (!ok) throw new ModelConfigError(issues.filter((i) => i.severity === 'error').map((i) => i.message));
  const best = await store.load(runId, 'best');
  const bestAccuracy = best ? parseCheckpoint(best).bestValAccuracy : null;
  const candidates = [contents.bestValAccuracy, bestAccuracy].filter((x): x is number => x !== null);
  return { bytes, contents, config, changed, bestValAccuracy: candidates.length > 0 ? Math.max(...candidates) : null };
}

/** AdamW's moments under the names the optimizer file uses (`<param>.exp_avg`, `<param>.exp_avg_sq`). */
function momentTensors(contents: CheckpointContents): Map<string, Float32Array> {
  const out = new Map<string, Float32Array>();
  for (const [name, { m, v }] of contents.moments) {
    out.set(`${name}.exp_avg`, m);
    out.set(`${name}.exp_avg_sq`, v);
  }
  return out;
}
