/**
 * The model builder's gate: a config is checked by the one config validator
 * (`src/config`), and every error is refused with the validator's own message (which
 * names the values): segment landmarks with n not a multiple of m, more landmarks than tokens,
 * d not divisible by heads, a buffer over the device's limits, values out of range.
 */
import { keysOfPart, validateConfig, type DeviceLimits, type ModelConfig, type RunConfig } from '../config';

/** Thrown by `buildModel` for a config it cannot build; `issues` holds every message. */
export class ModelConfigError extends Error {
  constructor(readonly issues: string[]) {
    super(`invalid model config: ${issues.join(' ')}`);
    this.name = 'ModelConfigError';
  }
}

const MODEL_KEYS = new Set<string>(keysOfPart('model'));

/**
 * Validate a model config (the model part of a run config, or a whole run config). Without a
 * `task` key the checks that compare the model with a task's data (classes, vocabulary, two
 * towers, ListOps windows) are skipped: the model does not know its data. `batchSize` sizes the device check.
 * Returns the complete, typed model config (defaults filled per variant).
 */
export function checkModelConfig(config: Partial<RunConfig>, opts: { limits?: DeviceLimits; batchSize?: number } = {}): ModelConfig {
  const hasTask = typeof config === 'object' && config !== null && 'task' in config;
  const input: Record<string, unknown> = { ...config };
  if (opts.batchSize !== undefined) input.batchSize = opts.batchSize;
  const result = validateConfig(input, { limits: opts.limits, reportMissing: false });
  // Without a task, only issues among model keys (and the batch size of the device check) count.
  const modelSide = (key: string) => MODEL_KEYS.has(key) || key === 'batchSize';
  const relevant = (key: string, related: readonly string[] = []) => hasTask || (modelSide(key) && related.every(modelSide));
  const errors = result.issues.filter((i) => i.severity === 'error' && relevant(i.key, i.related));
  if (errors.length > 0) throw new ModelConfigError(errors.map((i) => i.message));
  const model: Record<string, unknown> = {};
  for (const key of MODEL_KEYS) model[key] = result.config[key as keyof RunConfig];
  return model as ModelConfig;
}
