/**
 * Built-in studies. Each is small data: a base preset, arms and seeds. `npm run study -- --study
 * <name>` runs one in Node; a JSON file of the same shape (`--study file.json`) runs yours.
 */
import { ABLATIONS } from '../presets/ablations';
import { PRESETS } from '../presets';
import type { Study } from './definition';

/** Three seeds: the fewest that give a t-interval (its half-width is 4.3 standard errors). */
export const DEFAULT_SEEDS = [0, 1, 2] as const;

/** The paper's ablation (full Proxyformer, each addition removed, Nyströmformer, softmax) on quick ListOps. */
export const ABLATION_STUDY: Study = {
  name: 'ablation',
  title: "The paper's ablation on quick ListOps",
  description:
    'Full Proxyformer, then without input injection, without the contrastive loss, without decomposed dropout, and the Nyströmformer and softmax baselines; same sizes, steps and seeds.',
  base: PRESETS['quick-listops-proxy'].config,
  arms: ABLATIONS.map((a) => ({ name: a.name, label: a.label, what: a.what, attention: a.attention, overrides: a.overrides })),
  seeds: DEFAULT_SEEDS,
  baseline: 'nystrom',
};

export const STUDIES: Record<string, Study> = { [ABLATION_STUDY.name]: ABLATION_STUDY };
