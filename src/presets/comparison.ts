/**
 * The paper's comparison (its main table) as data: softmax and the efficient attentions on one
 * task with the same sizes, schedule and seeds. Every projection-based model gets the same
 * budget, as in the paper (128 there): Nyströmformer's landmarks, Proxyformer's proxies,
 * Linformer's k and Performer's random features are all set to the base's budget.
 *
 * BigBird keeps the base's block size and Reformer its chunk length (the paper's and Hugging Face's
 * 64; smaller in the quick presets), each fitted to divide n. Every model of the paper's table is
 * implemented; `NOT_YET_AVAILABLE` stays for one that is not (the study would list it, not drop it).
 */
import type { Attention, RunConfig } from '../config';
import { VARIANT_NAMES } from './names';
import type { Ablation } from './ablations';

/** The runs, in the paper's table order (baselines first, Proxyformer last). */
export const PAPER_COMPARISON: readonly Ablation[] = (
  [
    ['softmax', 'exact softmax attention, quadratic in n'],
    [
      'reformer',
      'LSH: tokens hashed into buckets by random rotations, sorted and chunked; each chunk sees itself and the one before (2 rounds)',
    ],
    ['bigbird', 'block-sparse: each block of b tokens sees its window, the two global blocks and r random blocks'],
    ['linformer', 'keys and values projected from n to k positions by a learned E (k = the budget)'],
    ['performer', 'FAVOR+ random features (as many as the budget) in place of the softmax kernel'],
    ['nystrom', 'segment-mean landmarks (as many as the budget)'],
    ['proxy', 'trainable, input-aware proxies (as many as the budget)'],
  ] as const
).map(([attention, what]) => ({ name: attention, label: VARIANT_NAMES[attention], what, attention, overrides: {} }));

/** Models of the paper's table that this project does not implement yet. */
export const NOT_YET_AVAILABLE: readonly { label: string; note: string }[] = [];

/**
 * The shared projection budget of a base config: its own landmarks/proxies, Linformer k or
 * Performer features, whichever its variant uses (softmax and linear attention have none; their
 * `landmarks` value is taken).
 */
export function projectionBudget(base: RunConfig): number {
  const by: Partial<Record<Attention, number>> = { linformer: base.linformerK, performer: base.performerFeatures };
  return by[base.attention] ?? base.landmarks;
}

/**
 * BigBird's block for length n: the config's own when it divides n, else the largest divisor of n
 * below it (a base of another variant carries the default 64, which need not divide its n).
 */
export function fittingBlock(n: number, block: number): number {
  for (let b = Math.min(block, n); b > 1; b--) if (n % b === 0) return b;
  return 1;
}

/**
 * The BigBird block of a comparison: a BigBird base keeps its own (fitted to n); any other base
 * gets the paper's 64, but at most n/16, so that there are at least 16 blocks and each sparse
 * query block (which sees at most 8) really skips some — at n = 64 a 64-token block would be
 * exact softmax attention.
 */
export function comparisonBlock(base: RunConfig): number {
  return base.attention === 'bigbird' ? fittingBlock(base.seqLen, base.bigbirdBlock) : sparseBlock(base.seqLen);
}

/**
 * The Reformer chunk of a comparison, by the same rule as BigBird's block: a Reformer base keeps its
 * own (fitted to n); any other base gets Hugging Face's 64, at most n/16, so that each round has at
 * least 16 chunks and a query really meets only some keys.
 */
export function comparisonChunk(base: RunConfig): number {
  return base.attention === 'reformer' ? fittingBlock(base.seqLen, base.reformerChunk) : sparseBlock(base.seqLen);
}

/** The paper's block of 64, at most n/16 (at least 16 blocks), fitted to divide n. */
export function sparseBlock(n: number): number {
  return fittingBlock(n, Math.min(64, Math.max(1, Math.floor(n / 16))));
}

/** The keys that carry the budget, set to one value (and BigBird's block, Reformer's chunk). */
export function withBudget(
  config: RunConfig,
  budget: number,
  bigbirdBlock = config.bigbirdBlock,
  reformerChunk = config.reformerChunk,
): RunConfig {
  return { ...config, landmarks: budget, linformerK: budget, performerFeatures: budget, bigbirdBlock, reformerChunk };
}
