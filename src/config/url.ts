/**
 * The whole run config in the URL hash, so a link reproduces an experiment:
 * `#v=1&t=listops&at=proxy&ly=2&d=64&…` with the schema's short keys.
 *
 * Encoding writes every key that applies to the config's task and variant, defaults
 * included: a default may change in a later version, and a link must keep meaning the run it
 * was copied from (the hash stays a few hundred characters). Keys that do not apply (proxy
 * switches in a softmax run) are left out; decoding fills them from the defaults.
 *
 * Decoding never throws: unknown keys are ignored with a notice, out-of-range numbers are
 * clamped with a notice, and a garbage value for one key is refused with a notice (that key
 * takes its default) without losing the rest.
 */
import { defaultConfig } from './defaults';
import type { DeviceLimits } from './limits';
import { CONFIG_KEYS, paramSpec, type ConfigKey, type RunConfig } from './schema';
import { appliesTo, type Attention, type ParamSpec, type Task } from './spec';
import { validateConfig } from './validate';
import { allowedText, checkValue, describe, type ConfigIssue } from './values';

/** The hash format's version; bump it when a key is renamed or its meaning changes. */
export const HASH_VERSION = 1;
/** More pairs than this are not read (a hash is a few dozen pairs; this bounds the work). */
const MAX_PAIRS = 512;

const KEY_BY_URL: ReadonlyMap<string, ConfigKey> = new Map(CONFIG_KEYS.map((k) => [paramSpec(k).url, k]));

/** The URL hash of a config (without the leading `#`). */
export function encodeHash(config: RunConfig): string {
  const parts = [`v=${HASH_VERSION}`];
  const ordered: ConfigKey[] = ['task', 'attention', ...CONFIG_KEYS.filter((k) => k !== 'task' && k !== 'attention')];
  for (const key of ordered) {
    const spec = paramSpec(key);
    if (!appliesTo(spec, config.task, config.attention)) continue;
    parts.push(`${spec.url}=${encodeURIComponent(valueToText(config[key]))}`);
  }
  return parts.join('&');
}

export interface DecodedHash {
  config: RunConfig;
  /** Notices (unknown keys, clamped or refused values) and errors (invalid combinations, device limits). */
  issues: ConfigIssue[];
  /** No error: the config may run as decoded. */
  ok: boolean;
  /** Keys that apply to the decoded task and variant but were not in the hash. */
  filledFromDefaults: ConfigKey[];
}

/** Read a URL hash (with or without `#`) into a config. Never throws. */
export function decodeHash(hash: string, options: { limits?: DeviceLimits } = {}): DecodedHash {
  const text = typeof hash === 'string' ? hash.replace(/^#/, '') : '';
  if (text.trim() === '') {
    const result = validateConfig(defaultConfig(), { limits: options.limits });
    return { ...result, filledFromDefaults: [] };
  }
  const notices: ConfigIssue[] = [];
  const note = (key: string, value: unknown, message: string) => notices.push({ key, value, severity: 'notice', message });
  const values: Record<string, unknown> = {};
  let version: string | undefined;

  const pairs = text.split('&');
  if (pairs.length > MAX_PAIRS)
    note('', pairs.length, `the hash has ${pairs.length} key/value pairs; only the first ${MAX_PAIRS} are read.`);
  for (const pair of pairs.slice(0, MAX_PAIRS)) {
    if (pair === '') continue;
    const eq = pair.indexOf('=');
    const rawKey = safeDecode(eq < 0 ? pair : pair.slice(0, eq));
    const rawValue = eq < 0 ? null : safeDecode(pair.slice(eq + 1));
    if (rawKey === null || rawValue === null) {
      note('', pair.slice(0, 40), `hash part ${describe(pair)} is not key=value with valid %-escapes: ignored.`);
      continue;
    }
    if (rawKey === 'v') {
      if (version === undefined) version = rawValue;
      continue;
    }
    const key = KEY_BY_URL.get(rawKey);
    if (key === undefined) {
      note(rawKey, rawValue, `unknown URL key ${describe(rawKey)} ignored.`);
      continue;
    }
    if (key in values) {
      note(key, rawValue, `URL key ${rawKey} (${key}) is given twice: the first value is kept.`);
      continue;
    }
    const parsed = textToValue(key, paramSpec(key), rawKey, rawValue);
    if (parsed.issue) notices.push(parsed.issue);
    if (parsed.ok) values[key] = parsed.value;
  }
  if (version === undefined) note('v', undefined, `the hash has no version (v=${HASH_VERSION}): read as version ${HASH_VERSION}.`);
  else if (version !== String(HASH_VERSION))
    note(
      'v',
      version,
      `hash version ${describe(version)} is not ${HASH_VERSION}, the version this page writes: keys are read as version ${HASH_VERSION}.`,
    );

  // Keys that do not apply to the decoded task and variant are not part of the experiment:
  // dropping them keeps decode(encode(c)) = c (encode leaves them out too).
  const task = (values.task ?? 'listops') as Task;
  const attention = (values.attention ?? 'proxy') as Attention;
  for (const key of Object.keys(values) as ConfigKey[]) {
    const spec = paramSpec(key);
    if (appliesTo(spec, task, attention)) continue;
    note(key, values[key], `URL key ${spec.url} (${key}) does not apply to ${task} with ${attention} attention: ignored.`);
    delete values[key];
  }

  const result = validateConfig(values, { limits: options.limits, clamp: true, reportMissing: false });
  const filledFromDefaults = CONFIG_KEYS.filter(
    (k) => !(k in values) && appliesTo(paramSpec(k), result.config.task, result.config.attention),
  );
  const issues = [...notices, ...result.issues];
  return { config: result.config, issues, ok: result.ok, filledFromDefaults };
}

/** A value as it appears in the hash (booleans as 1/0, numbers in JS's shortest round-trip form). */
function valueToText(value: number | boolean | string): string {
  if (typeof value === 'boolean') return value ? '1' : '0';
  return String(value);
}

const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/** Parse one value's text strictly, then check it with clamping. Garbage becomes a notice. */
function textToValue(key: ConfigKey, spec: ParamSpec, urlKey: string, text: string): { ok: boolean; value?: unknown; issue?: ConfigIssue } {
  const refuse = (why: string) => ({
    ok: false,
    issue: {
      key,
      value: text,
      severity: 'notice' as const,
      message: `URL key ${urlKey} (${key}): ${describe(text)} ${why}; allowed ${allowedText(spec)}. Ignored: using the default.`,
    },
  });
  let typed: unknown = text;
  if (spec.type === 'int' || spec.type === 'float') {
    if (text.length > 64 || !DECIMAL.test(text)) return refuse('is not a number');
    typed = Number(text);
  } else if (spec.type === 'bool') {
    if (text === '1' || text === 'true') typed = true;
    else if (text === '0' || text === 'false') typed = false;
    else return refuse('is not 1 or 0');
  }
  const checked = checkValue(key, spec, typed, true);
  if (!checked.ok) return refuse(spec.type === 'enum' ? 'is not a known value' : spec.type === 'text' ? 'does not match' : 'is not usable');
  return { ok: true, value: checked.value, issue: checked.issue };
}

function safeDecode(s: string): string | null {
  try {
    return decodeURIComponent(s); // a hash is not form-encoded: '+' stays '+' (1e+4)
  } catch {
    return null;
  }
}
