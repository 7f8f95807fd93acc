/**
 * A study: a set of configurations ("arms": variants, switches, any hyperparameter) from one
 * base config, each trained once per seed. A seed sets both the init seed and the data seed,
 * so arm A and arm B see the same batches and start from the same draw for one seed, and the
 * comparison against the baseline arm is paired (src/study/stats.ts).
 */
import { validateConfig, type Attention, type ConfigIssue, type RunConfig } from '../config';
import { withAttention } from '../presets/ablations';

export interface StudyArm {
  /** Short id, used in run ids and URLs: lowercase letters, digits and dashes. */
  name: string;
  /** Row label of the results table. */
  label: string;
  /** What this arm changes, in words (the table's note). */
  what: string;
  attention: Attention;
  /** Values set on top of the base after switching the variant. */
  overrides: Partial<RunConfig>;
}

export interface Study {
  name: string;
  title: string;
  description: string;
  base: RunConfig;
  arms: readonly StudyArm[];
  /** At least 3 distinct seeds: fewer gives no interval worth the name. */
  seeds: readonly number[];
  /** The arm every other arm is compared with (paired over seeds). */
  baseline: string;
}

/** One training run of a study. */
export interface StudyRun {
  /** `<study>.<arm>.s<seed>`: stable, so a restarted study finds what it already ran. */
  id: string;
  arm: StudyArm;
  seed: number;
  config: RunConfig;
  issues: ConfigIssue[];
  ok: boolean;
}

export const MIN_SEEDS = 3;
const NAME = /^[a-z0-9][a-z0-9-]{0,47}$/;

/** What is wrong with a study definition (empty when it can run). */
export function studyProblems(s: Study): string[] {
  const out: string[] = [];
  if (!NAME.test(s.name))
    out.push(`study name "${s.name}" must be 1–48 lowercase letters, digits or dashes, starting with a letter or digit`);
  if (s.arms.length === 0) out.push('a study needs at least one arm');
  const names = new Set<string>();
  for (const a of s.arms) {
    if (!NAME.test(a.name)) out.push(`arm name "${a.name}" must be 1–48 lowercase letters, digits or dashes`);
    if (names.has(a.name)) out.push(`arm name "${a.name}" appears twice`);
    names.add(a.name);
  }
  if (!names.has(s.baseline)) out.push(`baseline "${s.baseline}" is not one of the arms (${[...names].join(', ')})`);
  const seeds = new Set(s.seeds);
  if (seeds.size !== s.seeds.length) out.push(`seeds ${JSON.stringify(s.seeds)} repeat a seed`);
  if (seeds.size < MIN_SEEDS) out.push(`a study needs at least ${MIN_SEEDS} distinct seeds for a confidence interval, got ${seeds.size}`);
  for (const seed of s.seeds)
    if (!Number.isInteger(seed) || seed < 0 || seed > 4294967295) out.push(`seed ${seed} must be an integer in 0–4294967295`);
  return out;
}

/** The study's runs, arm by arm and seed by seed, each config validated. Throws on a bad definition. */
export function expandStudy(s: Study): StudyRun[] {
  const problems = studyProblems(s);
  if (problems.length > 0) throw new Error(`study ${s.name}: ${problems.join('; ')}`);
  const runs: StudyRun[] = [];
  for (const arm of s.arms) {
    for (const seed of s.seeds) {
      const config: RunConfig = { ...withAttention(s.base, arm.attention), ...arm.overrides, initSeed: seed, dataSeed: seed };
      const { issues, ok } = validateConfig(config);
      runs.push({ id: `${s.name}.${arm.name}.s${seed}`, arm, seed, config, issues, ok });
    }
  }
  return runs;
}
