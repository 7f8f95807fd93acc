/**
 * A preset is small commented data (nanoGPT's habit): a task, a variant and the few values
 * that differ from that pair's paper defaults. The full config is built once from the schema.
 */
import {
  appliesTo,
  defaultConfig,
  paramSpec,
  validateConfig,
  type Attention,
  type ConfigIssue,
  type ConfigKey,
  type RunConfig,
  type Task,
} from '../config';

export interface Preset {
  /** Registry name, e.g. `listops-proxy-paper`, `quick-listops-proxy`. */
  name: string;
  /** One line for the preset menu. */
  title: string;
  /** Why these numbers: what it reproduces or what it is for. */
  description: string;
  /** The values that differ from `defaultConfig(task, attention)`. */
  overrides: Partial<RunConfig>;
  /** The complete config. */
  config: RunConfig;
}

/**
 * Build a preset from its data; the config is the task/variant defaults with the overrides on
 * top. Overrides of keys that do not apply to this task and variant (a shared block setting
 * attention dropout for a Proxyformer preset) are left out, so the preset is exactly what its
 * URL hash carries.
 */
export function makePreset(
  name: string,
  title: string,
  description: string,
  task: Task,
  attention: Attention,
  overrides: Partial<RunConfig> = {},
): Preset {
  const applicable: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(overrides)) {
    if (appliesTo(paramSpec(key as ConfigKey), task, attention)) applicable[key] = value;
  }
  const config: RunConfig = { ...defaultConfig(task, attention), ...applicable, task, attention };
  return { name, title, description, overrides: applicable as Partial<RunConfig>, config };
}

/** A preset's problems, if any (presets are checked in a test; the UI shows these if one ever breaks). */
export function presetIssues(preset: Preset): ConfigIssue[] {
  return validateConfig(preset.config).issues;
}
