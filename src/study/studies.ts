/**
 * Built-in studies. Each is small data: a base preset, arms and seeds. `npm run study -- --study
 * <name>` runs one in Node; a JSON file of the same shape (`--study file.json`) runs yours.
 */
import { ABLATIONS } from '../presets/ablations';
import type { RunConfig } from '../config';
import { PRESETS } from '../presets';
import { comparisonBlock, PAPER_COMPARISON, projectionBudget } from '../presets/comparison';
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

/**
 * The paper's comparison (softmax, Linformer, Performer, Nyströmformer, Proxyformer) for a base
 * config: every projection-based arm gets the base's budget (landmarks = proxies = Linformer k =
 * Performer features), and each is read against exact softmax attention. Reformer and BigBird
 * are not implemented here (src/presets/comparison.ts lists them).
 */
export function paperComparisonStudy(base: RunConfig): Study {
  const budget = projectionBudget(base);
  return {
    name: 'paper',
    title: "The paper's comparison of attention variants",
    description:
      'softmax, Linformer, Performer, Nyströmformer and Proxyformer with one projection budget (landmarks = proxies = Linformer k = Performer features); same sizes, steps and seeds.',
    base,
    arms: PAPER_COMPARISON.map((a) => ({
      name: a.name,
      label: a.label,
      what: a.what,
      attention: a.attention,
      overrides: { landmarks: budget, linformerK: budget, performerFeatures: budget, bigbirdBlock: comparisonBlock(base) },
    })),
    seeds: DEFAULT_SEEDS,
    baseline: 'softmax',
  };
}

export const PAPER_STUDY: Study = paperComparisonStudy(PRESETS['quick-listops-proxy'].config);

export const STUDIES: Record<string, Study> = { [ABLATION_STUDY.name]: ABLATION_STUDY, [PAPER_STUDY.name]: PAPER_STUDY };
