/**
 * Parse any object (a form's state, an imported config.json, a decoded URL hash) into a typed
 * `RunConfig`. Never throws: every problem is an issue naming the key, the value and what is
 * allowed, and the returned config is always complete (a bad value is replaced by the
 * default of its task and variant, so the rest of the input is not lost).
 */
import { defaultConfig } from './defaults';
import type { DeviceLimits } from './limits';
import { byKey, type KeyNamer } from './names';
import { checkRules } from './rules';
import { CONFIG_KEYS, paramSpec, SCHEMA, type ConfigKey, type RunConfig } from './schema';
import { appliesTo } from './spec';
import { checkValue, describe, type ConfigIssue } from './values';

export type { ConfigIssue } from './values';

export interface ValidateOptions {
  /** The adapter's limits; without them the device-size check is skipped. */
  limits?: DeviceLimits;
  /** Pull out-of-range numbers to the nearest bound with a notice (the URL hash) instead of refusing them (the form). */
  clamp?: boolean;
  /** Report keys that apply to this task and variant but are absent (default true). */
  reportMissing?: boolean;
  /** How messages name a key: `byLabel` in the page, `byFlag` on the command line, the key itself by default (names.ts). */
  name?: KeyNamer;
}

export interface ValidationResult {
  config: RunConfig;
  issues: ConfigIssue[];
  /** No issue of severity `error`: the run may start. */
  ok: boolean;
}

/** Validate an arbitrary value as a run config. */
export function validateConfig(input: unknown, options: ValidateOptions = {}): ValidationResult {
  const clamp = options.clamp ?? false;
  const name = options.name ?? byKey;
  const issues: ConfigIssue[] = [];
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    issues.push({
      key: '',
      value: input,
      severity: 'error',
      message: `a config must be an object of key/value pairs, got ${describe(input)}.`,
    });
    return { config: defaultConfig(), issues, ok: false };
  }
  let given: Map<string, unknown>;
  try {
    given = ownEntries(input);
  } catch {
    // A Proxy whose traps throw: nothing in it can be read.
    issues.push({
      key: '',
      value: input,
      severity: 'error',
      message: 'the config object cannot be read (its properties throw when listed).',
    });
    return { config: defaultConfig(), issues, ok: false };
  }

  // Task and variant first: every other default depends on them.
  const task = pickEnum('task', 'listops', given, issues, name);
  const attention = pickEnum('attention', 'proxy', given, issues, name);
  const config = defaultConfig(task, attention) as Record<ConfigKey, unknown>;

  const missing: ConfigKey[] = [];
  // Keys whose value was refused and replaced by the default.
  const refused = new Set<string>();
  for (const key of CONFIG_KEYS) {
    if (!given.has(key)) {
      if (appliesTo(paramSpec(key), task, attention)) missing.push(key);
      continue;
    }
    if (key === 'task' || key === 'attention') continue;
    const result = checkValue(key, paramSpec(key), given.get(key), clamp, name);
    if (result.ok) config[key] = result.value;
    else refused.add(key);
    if (result.issue) issues.push(result.issue);
  }
  for (const key of given.keys()) {
    if (!(key in SCHEMA) || !Object.hasOwn(SCHEMA, key)) {
      issues.push({
        key,
        value: given.get(key),
        severity: 'notice',
        message: `unknown key ${describe(key)} ignored (not a config key of this version).`,
      });
    }
  }
  if (missing.length > 0 && (options.reportMissing ?? true)) {
    issues.push({
      key: missing[0],
      related: missing.slice(1),
      value: undefined,
      severity: 'notice',
      message: `missing keys filled with the ${task}/${attention} defaults: ${missing.join(', ')}.`,
    });
  }

  const typed = config as RunConfig;
  // A rule over a refused key would judge the default standing in for it, a value the user never
  // gave (typing 0 landmarks also said "landmarks 128 is more than seqLen 64"): its own error says enough.
  const involvesRefused = (i: ConfigIssue) => refused.has(i.key) || (i.related?.some((k) => refused.has(k)) ?? false);
  issues.push(...checkRules(typed, options.limits, name).filter((i) => !involvesRefused(i)));
  return { config: typed, issues, ok: !issues.some((i) => i.severity === 'error') };
}

/** Own enumerable entries, read without invoking getters on the prototype chain. */
function ownEntries(input: object): Map<string, unknown> {
  const out = new Map<string, unknown>();
  for (const key of Object.keys(input)) {
    const desc = Object.getOwnPropertyDescriptor(input, key);
    out.set(key, desc && 'value' in desc ? desc.value : undefined);
  }
  return out;
}

function pickEnum<K extends 'task' | 'attention'>(
  key: K,
  fallback: RunConfig[K],
  given: Map<string, unknown>,
  issues: ConfigIssue[],
  name: KeyNamer,
): RunConfig[K] {
  if (!given.has(key)) return fallback;
  const result = checkValue(key, SCHEMA[key], given.get(key), false, name);
  if (result.ok) return result.value as RunConfig[K];
  issues.push({ ...result.issue, message: `${result.issue.message} Using ${fallback}.` });
  return fallback;
}

/** The issues about one key (for the form's inline messages). */
export function issuesFor(issues: readonly ConfigIssue[], key: string): ConfigIssue[] {
  return issues.filter((i) => i.key === key || (i.related?.includes(key) ?? false));
}
