/**
 * What a settings change during a run does: cold keys (model shape, data) are refused with a
 * message, since they need a new run; the hot keys the optimizer and the model read each step
 * apply in place; the other hot keys (β1, β2, ε, the schedule's shape) rebuild the model and
 * optimizer around the same state.
 */
import { isColdKey, MODEL_HOT_KEYS, validateConfig, type ConfigKey, type HotKey, type RunConfig } from '../config';

/**
 * The training hot keys the trainer applies without rebuilding the optimizer
 * (`applyOptimizerSettings`); the other hot keys (β1, β2, ε, the schedule's shape) rebuild it
 * around the same state. Typed by the schema: a key that is not hot there does not compile.
 */
const CHEAP_HOT = new Set<ConfigKey>(['lr', 'weightDecay', 'gradClip', 'evalEvery', 'evalSteps', 'checkpointEvery'] satisfies HotKey[]);
/** Hot keys the model applies itself from its next forward (dropout rates, λ, τ): the schema's hot model keys. */
const MODEL_HOT = new Set<ConfigKey>(MODEL_HOT_KEYS);

export type LiveUpdate =
  /** Not applied: the keys and why (posted as a `cold-change` message). */
  | { kind: 'refused'; keys: string[]; message: string }
  /** Applied in place: the model's share of the changes, the rest goes to the optimizer. */
  | { kind: 'in-place'; modelChanges: Partial<RunConfig> }
  | { kind: 'rebuild'; config: RunConfig };

/** The plan for `changes` to the run configured as `current` (null: no run, nothing to apply). */
export function planUpdate(current: RunConfig | null, changes: Partial<RunConfig>): LiveUpdate | null {
  const cold = Object.keys(changes).filter(isColdKey);
  if (cold.length > 0) {
    return {
      kind: 'refused',
      keys: cold,
      message: `${cold.join(', ')} change the model or the data: start a new run to apply ${cold.length > 1 ? 'them' : 'it'}.`,
    };
  }
  if (!current) return null;
  const { config, ok, issues } = validateConfig({ ...current, ...changes });
  if (!ok) {
    return {
      kind: 'refused',
      keys: Object.keys(changes),
      message: issues
        .filter((i) => i.severity === 'error')
        .map((i) => i.message)
        .join(' '),
    };
  }
  if (Object.keys(changes).every((k) => CHEAP_HOT.has(k as ConfigKey) || MODEL_HOT.has(k as ConfigKey))) {
    return { kind: 'in-place', modelChanges: Object.fromEntries(Object.entries(changes).filter(([k]) => MODEL_HOT.has(k as ConfigKey))) };
  }
  return { kind: 'rebuild', config };
}
