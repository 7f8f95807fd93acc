/**
 * THE config schema: every hyperparameter of a run declared once (type, default, range,
 * hot/cold, URL key, group, variants, help, provenance). The form, the URL hash, the
 * validator, the worker and the model builder all read this table; the types below are
 * derived from it so a key cannot exist in one place and not in another.
 */
import { BASELINE_PARAMS, MODEL_PARAMS, NYSTROM_PARAMS, PROXY_PARAMS } from './schemaModel';
import { DATA_PARAMS, OPTIMISATION_PARAMS, SCHEDULE_PARAMS, SEED_PARAMS } from './schemaTrain';
import type { Group, ParamSpec, Part, ValueOf } from './spec';

export const SCHEMA = {
  ...DATA_PARAMS,
  ...MODEL_PARAMS,
  ...NYSTROM_PARAMS,
  ...PROXY_PARAMS,
  ...BASELINE_PARAMS,
  ...OPTIMISATION_PARAMS,
  ...SCHEDULE_PARAMS,
  ...SEED_PARAMS,
} as const;

type Schema = typeof SCHEMA;
export type ConfigKey = keyof Schema;

type KeysOfPart<P extends Part> = { [K in ConfigKey]: Schema[K]['part'] extends P ? K : never }[ConfigKey];

/** The whole run: one flat JSON object (config.json, safetensors `__metadata__.config`, the URL hash). */
export type RunConfig = { -readonly [K in ConfigKey]: ValueOf<Schema[K]> };
/** What the model builder reads. */
export type ModelConfig = Pick<RunConfig, KeysOfPart<'model'>>;
/** What the training loop reads (task, optimiser, schedule, seeds). */
export type TrainConfig = Pick<RunConfig, KeysOfPart<'train'>>;
/** What the data generators read besides the task and the data seed. */
export type DataConfig = Pick<RunConfig, KeysOfPart<'data'>>;

/** Every key, in the table's order (the form's order). */
export const CONFIG_KEYS = Object.keys(SCHEMA) as ConfigKey[];

/** The declaration of one key. */
export function paramSpec(key: ConfigKey): ParamSpec {
  return SCHEMA[key] as ParamSpec;
}

/** The keys of one form group, in order. */
export function keysInGroup(group: Group): ConfigKey[] {
  return CONFIG_KEYS.filter((k) => paramSpec(k).group === group);
}

/** The keys whose change needs a rebuild. */
export const COLD_KEYS: readonly ConfigKey[] = CONFIG_KEYS.filter((k) => paramSpec(k).apply === 'cold');
/** The keys the worker applies from the next step. */
export const HOT_KEYS: readonly ConfigKey[] = CONFIG_KEYS.filter((k) => paramSpec(k).apply === 'hot');

/** The keys of one part (model, train, data). */
export function keysOfPart(part: Part): ConfigKey[] {
  return CONFIG_KEYS.filter((k) => paramSpec(k).part === part);
}

/** The model part of a run config. */
export function modelConfig(config: RunConfig): ModelConfig {
  return pick(config, keysOfPart('model')) as ModelConfig;
}

/** The training part of a run config. */
export function trainConfig(config: RunConfig): TrainConfig {
  return pick(config, keysOfPart('train')) as TrainConfig;
}

/** The data-generator part of a run config. */
export function dataConfig(config: RunConfig): DataConfig {
  return pick(config, keysOfPart('data')) as DataConfig;
}

/** Keys whose values differ between two configs, and whether any of them is cold. */
export function diffConfig(a: RunConfig, b: RunConfig): { changed: ConfigKey[]; needsRebuild: boolean } {
  const changed = CONFIG_KEYS.filter((k) => a[k] !== b[k]);
  return { changed, needsRebuild: changed.some((k) => paramSpec(k).apply === 'cold') };
}

function pick(config: RunConfig, keys: ConfigKey[]): Partial<RunConfig> {
  const out: Record<string, unknown> = {};
  for (const k of keys) out[k] = config[k];
  return out as Partial<RunConfig>;
}
