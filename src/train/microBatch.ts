/**
 * Gradient accumulation over micro-batches (docs/gpu.md "Micro-batching"): a batch of B examples
 * runs as k forward/backward passes of B/k examples each, whose gradients add up in the
 * parameters' `.grad` before the one optimizer step. Each pass's loss is scaled by its share 1/k,
 * so the accumulated gradient is the gradient of the whole batch's mean loss:
 * - the task loss is a mean over the micro-batch's examples; with equal slices the mean of the
 *   k means is the mean over B;
 * - Proxyformer's contrastive loss is a mean over examples and heads (or, with injection
 *   'none', one per-step term that does not depend on the input, the same in every pass), so
 *   the mean of the k passes is again the whole batch's term;
 * - dropout draws the whole batch's masks, sliced (MicroBatchStream in src/model/dropout.ts).
 * k must divide B; it is chosen before the model is built (src/train/memoryPlan.ts).
 */
import type { Batch } from '../data';

/** Micro-batch `part` of `parts` equal slices of a batch, as views (no copy). */
export function sliceBatch(b: Batch, part: number, parts: number): Batch {
  if (parts === 1) return b;
  if (b.batchSize % parts !== 0) throw new Error(`a batch of ${b.batchSize} does not split into ${parts} equal micro-batches`);
  const size = b.batchSize / parts;
  return sliceExamples(b, part * size, size);
}

/** Examples `start … start + count − 1` of a batch, as views (no copy). */
export function sliceExamples(b: Batch, start: number, count: number): Batch {
  if (start === 0 && count === b.batchSize) return b;
  const n = b.seqLen;
  const rows = <T extends Int32Array | Float32Array>(a: T): T => a.subarray(start * n, (start + count) * n) as T;
  const out: Batch = {
    batchSize: count,
    seqLen: n,
    tokens: rows(b.tokens),
    mask: rows(b.mask),
    labels: b.labels.subarray(start, start + count),
  };
  if (b.tokens2 && b.mask2) {
    out.tokens2 = rows(b.tokens2);
    out.mask2 = rows(b.mask2);
  }
  return out;
}

/** The divisors of `batchSize` in increasing order: the micro-batch counts it can be split into. */
export function microBatchCounts(batchSize: number): number[] {
  const out: number[] = [];
  for (let k = 1; k <= batchSize; k++) if (batchSize % k === 0) out.push(k);
  return out;
}
