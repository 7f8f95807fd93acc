/**
 * The paper's comparison (its main table) as data: softmax and the efficient attentions on one
 * task with the same sizes, schedule and seeds. Every projection-based model gets the same
 * budget, as in the paper (128 there): Nyströmformer's landmarks, Proxyformer's proxies,
 * Linformer's k and Performer's random features are all set to the base's budget.
 *
 * The paper's table also has Reformer and BigBird; they are not implemented here yet, and the
 * study lists them as such instead of leaving them out silently.
 */
import type { Attention, RunConfig } from '../config';
import { VARIANT_NAMES } from './names';
import type { Ablation } from './ablations';

/** The runs, in the paper's table order (baselines first, Proxyformer last). */
export const PAPER_COMPARISON: readonly Ablation[] = (
  [
    ['softmax', 'exact softmax attention, quadratic in n'],
    ['linformer', 'keys and values projected from n to k positions by a learned E (k = the budget)'],
    ['performer', 'FAVOR+ random features (as many as the budget) in place of the softmax kernel'],
    ['nystrom', 'segment-mean landmarks (as many as the budget)'],
    ['proxy', 'trainable, input-aware proxies (as many as the budget)'],
  ] as const
).map(([attention, what]) => ({ name: attention, label: VARIANT_NAMES[attention], what, attention, overrides: {} }));

/** Models of the paper's table that this project does not implement yet. */
export const NOT_YET_AVAILABLE: readonly { label: string; note: string }[] = [
  { label: 'Reformer', note: 'not yet available: LSH attention is not implemented in this project' },
  { label: 'BigBird', note: 'not yet available: block-sparse attention is not implemented in this project' },
];

/**
 * The shared projection budget of a base config: its own landmarks/proxies, Linformer k or
 * Performer features, whichever its variant uses (softmax and linear attention have none; their
 * `landmarks` value is taken).
 */
export function projectionBudget(base: RunConfig): number {
  const by: Partial<Record<Attention, number>> = { linformer: base.linformerK, performer: base.performerFeatures };
  return by[base.attention] ?? base.landmarks;
}

/** The keys that carry the budget, set to one value. */
export function withBudget(config: RunConfig, budget: number): RunConfig {
  return { ...config, landmarks: budget, linformerK: budget, performerFeatures: budget };
}
