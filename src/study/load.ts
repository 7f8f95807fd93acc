/**
 * A study from a JSON file (`npm run study -- --study my-study.json`): the same shape as the
 * built-in ones, with `base` either a preset name or a config object (missing keys take the
 * task and variant's defaults). Everything is validated before anything runs, and each problem
 * is named.
 */
import { ATTENTIONS, CONFIG_KEYS, defaultConfig, validateConfig, type Attention, type RunConfig } from '../config';
import { PRESETS } from '../presets';
import { studyProblems, type Study, type StudyArm } from './definition';

type Json = Record<string, unknown>;
const isObject = (x: unknown): x is Json => typeof x === 'object' && x !== null && !Array.isArray(x);

/** Parse and validate a study definition; throws an Error listing every problem. */
export function parseStudy(text: string, source = 'the study file'): Study {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new Error(`${source} is not JSON: ${(err as Error).message}`);
  }
  if (!isObject(raw)) throw new Error(`${source} must hold a JSON object with name, base, arms, seeds and baseline`);
  const problems: string[] = [];
  const str = (k: string, fallback?: string): string => {
    const v = raw[k] ?? fallback;
    if (typeof v !== 'string') problems.push(`"${k}" must be a string`);
    return String(v ?? '');
  };
  const name = str('name');
  let base: RunConfig | null = null;
  if (typeof raw.base === 'string') {
    base = PRESETS[raw.base]?.config ?? null;
    if (!base) problems.push(`base preset "${raw.base}" does not exist (known: ${Object.keys(PRESETS).join(', ')})`);
  } else if (isObject(raw.base)) {
    const unknown = Object.keys(raw.base).filter((k) => !(CONFIG_KEYS as readonly string[]).includes(k));
    if (unknown.length > 0) problems.push(`base has unknown config keys: ${unknown.join(', ')}`);
    const task = (raw.base.task ?? 'listops') as RunConfig['task'];
    const attention = (raw.base.attention ?? 'proxy') as Attention;
    try {
      base = { ...defaultConfig(task, attention), ...(raw.base as Partial<RunConfig>) };
      const errors = validateConfig(base).issues.filter((i) => i.severity === 'error');
      for (const e of errors) problems.push(`base: ${e.message}`);
    } catch (err) {
      problems.push(`base: ${(err as Error).message}`);
    }
  } else problems.push('"base" must be a preset name or a config object');
  const arms: StudyArm[] = [];
  if (!Array.isArray(raw.arms)) problems.push('"arms" must be a list');
  else {
    for (const [i, a] of (raw.arms as unknown[]).entries()) {
      if (!isObject(a)) {
        problems.push(`arm ${i} must be an object`);
        continue;
      }
      const attention = a.attention as Attention;
      if (!(ATTENTIONS as readonly string[]).includes(String(attention)))
        problems.push(`arm ${i}: attention "${String(a.attention)}" is not one of ${ATTENTIONS.join(', ')}`);
      const overrides = isObject(a.overrides) ? (a.overrides as Partial<RunConfig>) : {};
      const unknown = Object.keys(overrides).filter((k) => !(CONFIG_KEYS as readonly string[]).includes(k));
      if (unknown.length > 0) problems.push(`arm ${i}: unknown config keys ${unknown.join(', ')}`);
      arms.push({ name: String(a.name ?? ''), label: String(a.label ?? a.name ?? ''), what: String(a.what ?? ''), attention, overrides });
    }
  }
  const seeds = Array.isArray(raw.seeds) ? (raw.seeds as number[]) : [];
  if (!Array.isArray(raw.seeds)) problems.push('"seeds" must be a list of integers');
  const study: Study = {
    name,
    title: String(raw.title ?? name),
    description: String(raw.description ?? ''),
    base: base ?? defaultConfig('listops', 'proxy'),
    arms,
    seeds,
    baseline: str('baseline'),
  };
  if (problems.length === 0) problems.push(...studyProblems(study));
  if (problems.length > 0) throw new Error(`${source}: ${problems.join('; ')}`);
  return study;
}
