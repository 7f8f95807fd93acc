/**
 * The configuration form's logic, without React or a DOM: values as the user typed them
 * (possibly invalid), their validation, task/variant switches that keep what still applies,
 * preset matching, and the URL hash in both directions.
 */
import {
  appliesTo,
  byLabel,
  CONFIG_KEYS,
  decodeHash,
  defaultConfig,
  encodeHash,
  paramSpec,
  validateConfig,
  type Attention,
  type ConfigIssue,
  type ConfigKey,
  type DeviceLimits,
  type RunConfig,
  type Task,
} from '../config';
import { DEFAULT_PRESET, getPreset, PRESET_LIST, withAttention } from '../presets';

/** The form's values: a RunConfig whose numbers may be NaN or out of range while the user types. */
export type FormValues = Record<ConfigKey, unknown>;

export interface FormCheck {
  /** The validated config (bad values replaced by defaults; only used when `ok`). */
  config: RunConfig;
  /** Errors and notices, each naming its key, the value and what is allowed. */
  issues: ConfigIssue[];
  ok: boolean;
}

/** Validate the form's values; messages name the fields by their labels. */
export function checkForm(values: FormValues, limits?: DeviceLimits): FormCheck {
  const { config, issues, ok } = validateConfig(values, { reportMissing: false, limits, name: byLabel });
  return { config, issues, ok };
}

/** The values a preset loads. */
export function presetValues(name: string): FormValues {
  const preset = getPreset(name);
  if (!preset) throw new Error(`unknown preset ${name}; known: ${PRESET_LIST.map((p) => p.name).join(', ')}`);
  return { ...preset.config };
}

/** The values of the page's first load. */
export function initialValues(): FormValues {
  return presetValues(DEFAULT_PRESET);
}

/**
 * A new task: keys whose default depends on the task (sequence length, vocabulary, classes,
 * schedule) or that belong to one task take the new task's defaults; the model sizes and
 * switches the user chose stay.
 */
export function changeTask(values: FormValues, task: Task): FormValues {
  const attention = values.attention as Attention;
  const fresh = defaultConfig(task, attention);
  const out = { ...values, task } as FormValues;
  for (const key of CONFIG_KEYS) {
    const spec = paramSpec(key);
    if (spec.defaultByTask !== undefined || spec.task !== undefined) out[key] = fresh[key];
  }
  return out;
}

/** A new attention variant: the keys whose default depends on it reset, everything else stays. */
export function changeAttention(values: FormValues, attention: Attention): FormValues {
  const task = values.task as Task;
  const base = { ...defaultConfig(task, attention), ...values } as RunConfig;
  return withAttention(base, attention) as FormValues;
}

/** Set one key (task and attention go through their switches). */
export function setValue(values: FormValues, key: ConfigKey, value: unknown): FormValues {
  if (key === 'task') return changeTask(values, value as Task);
  if (key === 'attention') return changeAttention(values, value as Attention);
  return { ...values, [key]: value };
}

/** The preset whose config equals this one, or null ("custom"). */
export function matchingPreset(config: RunConfig): string | null {
  for (const p of PRESET_LIST) if (CONFIG_KEYS.every((k) => p.config[k] === config[k])) return p.name;
  return null;
}

/** The keys the form shows for this task and variant, in schema order. */
export function visibleKeys(values: FormValues): ConfigKey[] {
  return CONFIG_KEYS.filter((k) => appliesTo(paramSpec(k), values.task as Task, values.attention as Attention));
}

/** The hash to write for the form's values, or null while they are invalid (the last good link stays). */
export function hashFor(values: FormValues): string | null {
  const check = checkForm(values);
  return check.ok ? encodeHash(check.config) : null;
}

/** What a page opened with a hash starts from: the decoded values and the notices to show (clamped, ignored keys). */
export function valuesFromHash(hash: string): { values: FormValues; notices: ConfigIssue[] } {
  if (hash.replace(/^#/, '').trim() === '') return { values: initialValues(), notices: [] };
  const decoded = decodeHash(hash);
  return { values: { ...decoded.config }, notices: decoded.issues.filter((i) => i.severity === 'notice') };
}

/**
 * Parse what the user typed into a number field: empty or garbage becomes NaN (the validator
 * then says "is not a finite number" and names what is allowed).
 */
export function parseNumberInput(text: string): number {
  const t = text.trim();
  if (t === '' || !/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(t)) return NaN;
  return Number(t);
}
