/**
 * The paper's ablation study (RQ2) as data: full Proxyformer, then each of its three additions
 * removed, then the two baselines, all from one base config with the same task, sizes and
 * seeds. The ablation runner queues these in order.
 */
import { defaultConfig, paramSpec, CONFIG_KEYS, validateConfig, type Attention, type ConfigIssue, type RunConfig } from '../config';

export interface Ablation {
  name: string;
  /** Row label of the results table. */
  label: string;
  /** What is removed or replaced, for the table's tooltip. */
  what: string;
  attention: Attention;
  /** Values set on top of the base (after switching the variant). */
  overrides: Partial<RunConfig>;
}

/** The study, in the paper's order. */
export const ABLATIONS: readonly Ablation[] = [
  {
    name: 'full',
    label: 'Proxyformer',
    what: 'all three additions: input injection, contrastive loss, decomposed dropout',
    attention: 'proxy',
    overrides: {},
  },
  {
    name: 'no-injection',
    label: 'w/o injection',
    what: "proxies do not see the input (injection 'none')",
    attention: 'proxy',
    overrides: { injection: 'none' },
  },
  {
    name: 'no-contrastive',
    label: 'w/o contrastive loss',
    what: 'contrastive weight λ = 0',
    attention: 'proxy',
    overrides: { contrastiveWeight: 0 },
  },
  {
    name: 'no-decomposed-dropout',
    label: 'w/o decomposed dropout',
    what: "no column dropout on K2 (decomposedDropout 'off')",
    attention: 'proxy',
    overrides: { decomposedDropout: 'off' },
  },
  { name: 'nystrom', label: 'Nyströmformer', what: 'segment-mean landmarks instead of proxies', attention: 'nystrom', overrides: {} },
  { name: 'softmax', label: 'softmax', what: 'exact softmax attention', attention: 'softmax', overrides: {} },
];

export interface AblationRun {
  ablation: Ablation;
  config: RunConfig;
  issues: ConfigIssue[];
  ok: boolean;
}

/**
 * Change the variant and reset the keys whose default depends on it (the pseudo-inverse
 * init: global for Nyströmformer as its code runs, per-matrix for Proxyformer); sizes,
 * schedule and seeds stay.
 */
export function withAttention(base: RunConfig, attention: Attention): RunConfig {
  const out: RunConfig = { ...base, attention };
  const defaults = defaultConfig(base.task, attention);
  for (const key of CONFIG_KEYS) {
    if (paramSpec(key).defaultByAttention !== undefined) (out as Record<string, unknown>)[key] = defaults[key];
  }
  return out;
}

/**
 * A study's configs derived from one base (usually a Proxyformer preset), each validated: by
 * default the ablation study, or any list of runs (the paper's comparison). `prepare` adjusts
 * the base first (the comparison gives every variant the same projection budget).
 */
export function ablationStudy(
  base: RunConfig,
  runs: readonly Ablation[] = ABLATIONS,
  prepare: (c: RunConfig) => RunConfig = (c) => c,
): AblationRun[] {
  const prepared = prepare(base);
  return runs.map((ablation) => {
    const config: RunConfig = { ...withAttention(prepared, ablation.attention), ...ablation.overrides };
    const { issues, ok } = validateConfig(config);
    return { ablation, config, issues, ok };
  });
}
