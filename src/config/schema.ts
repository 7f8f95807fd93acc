/**
 * THE config schema: every hyperparameter of a run declared once (type, default, range,
 * hot/cold, URL key, group, variants, help, provenance). The form, the URL hash, the
 * validator, the worker and the model builder all read this table; the types below are
 * derived from it so a key cannot exist in one place and not in another.
 */
import { BASELINE_PARAMS } from './schemaBaselines';
import { MODEL_PARAMS, NYSTROM_PARAMS, PROXY_PARAMS } from './schemaModel';
import { DATA_PARAMS, OPTIMISATION_PARAMS, SCHEDULE_PARAMS, SEED_PARAMS } from './schemaTrain';
import { USER_DATA_PARAMS } from './schemaUserData';
import type { Apply, Group, ParamSpec, Part, ValueOf } from './spec';

export const SCHEMA = {
  ...DATA_PARAMS,
  ...USER_DATA_PARAMS,
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
type KeysOfApply<A extends Apply> = { [K in ConfigKey]: Schema[K]['apply'] extends A ? K : never }[ConfigKey];

/** The keys the schema marks hot: applied from the next step, no rebuild. */
export type HotKey = KeysOfApply<'hot'>;
/** The keys the schema marks cold: a change needs a rebuild. */
export type ColdKey = KeysOfApply<'cold'>;
/** The hot keys of the model part (dropout rates, λ, τ): the model applies them itself. */
export type ModelHotKey = HotKey & KeysOfPart<'model'>;

/** The whole run: one flat JSON object (config.json, safetensors `__metadata__.config`, the URL hash). */
export type RunConfig = { -readonly [K in ConfigKey]: ValueOf<Schema[K]> };
/** What the model builder reads. */
export type ModelConfig = Pick<RunConfig, KeysOfPart<'model'>>;
/** What the training loop reads (task, optimiser, schedule, seeds). */
export type TrainConfig = Pick<RunConfig, KeysOfPart<'train'>>;
/** What the data generators read besides the task and the data seed. */
export type DataConfig = Pick<RunConfig, KeysOfPart<'data'>>;
/** The model's hot settings: one shared object the modules read at every forward. */
export type HotSettings = Pick<RunConfig, ModelHotKey>;

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
export const COLD_KEYS = CONFIG_KEYS.filter((k): k is ColdKey => paramSpec(k).apply === 'cold') as readonly ColdKey[];
/** The keys the worker applies from the next step. */
export const HOT_KEYS = CONFIG_KEYS.filter((k): k is HotKey => paramSpec(k).apply === 'hot') as readonly HotKey[];
/** The hot keys of the model part, which the model applies from its next forward (`model.updateHot`). */
export const MODEL_HOT_KEYS = HOT_KEYS.filter((k): k is ModelHotKey => paramSpec(k).part === 'model') as readonly ModelHotKey[];

/** Whether a key is one of the schema's hot keys (false for unknown names). */
export function isHotKey(key: string): key is HotKey {
  return Object.hasOwn(SCHEMA, key) && paramSpec(key as ConfigKey).apply === 'hot';
}

/** Whether a key is one of the schema's cold keys (false for unknown names). */
export function isColdKey(key: string): key is ColdKey {
  return Object.hasOwn(SCHEMA, key) && paramSpec(key as ConfigKey).apply === 'cold';
}

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
