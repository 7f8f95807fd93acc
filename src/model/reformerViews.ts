/**
 * Reformer's views (docs/baselines.md "Reformer"), assembled on the CPU from what the layer
 * computed: each token's bucket per round (the strip over the input), the chunked attention in
 * sorted order (rounds·n sorted queries × their keys: the previous chunk, then their own), and
 * the implied n×n attention, A[i, j] = Σ_r w_r(i) Σ_k p_r(i, k)·[key k of i's chunk is token j],
 * with the rounds' weights w_r(i) = softmax_r of the round's log-sum-exp (as the layer combines them).
 */
import type { ReadTensor } from './bigbirdViews';
import type { Matrix } from './views';

/** The shapes every function here reads: views of one example (batch 1) by head. */
export interface LshShape {
  n: number;
  rounds: number;
  chunk: number;
}

/** Head h's buckets [rounds × n] (the padding bucket, after every real one, for padded tokens). */
export function lshBucketStrip(buckets: ReadTensor, h: number, s: LshShape): Matrix {
  const size = s.rounds * s.n;
  return { rows: s.rounds, cols: s.n, data: buckets.data.slice(h * size, (h + 1) * size) };
}

/** Head h's chunked probabilities [rounds·n sorted queries × keys per chunk]. */
export function lshChunkAttention(probs: ReadTensor, h: number): Matrix {
  const [, , rows, width] = probs.shape;
  return { rows, cols: width, data: probs.data.slice(h * rows * width, (h + 1) * rows * width) };
}

/** The sorted slot a query in slot s meets at key k: the previous chunk (cyclic), then its own; one chunk in all: its own only. */
export function keySlot(s: number, k: number, chunks: number, chunk: number): number {
  const ch = Math.floor(s / chunk);
  if (chunks === 1) return k;
  return k < chunk ? ((ch + chunks - 1) % chunks) * chunk + k : ch * chunk + (k - chunk);
}

/** Row-block `index` (sample·heads + head) of the implied n×n attention. */
export function lshImpliedAttention(probs: ReadTensor, tokens: ReadTensor, lse: ReadTensor, index: number, s: LshShape): Matrix {
  const { n, rounds, chunk } = s;
  const slots = rounds * n;
  const width = probs.shape[probs.shape.length - 1];
  const chunks = slots / chunk;
  const p = probs.data.subarray(index * slots * width, (index + 1) * slots * width);
  const tok = tokens.data.subarray(index * slots, (index + 1) * slots);
  const l = lse.data.subarray(index * slots, (index + 1) * slots);
  // The sorted slot of token i in round r, and the rounds' weights per token.
  const slotOf = new Int32Array(slots);
  for (let sl = 0; sl < slots; sl++) slotOf[Math.floor(sl / n) * n + tok[sl]] = sl;
  const out = new Float32Array(n * n);
  for (let i = 0; i < n; i++) {
    const lses = Array.from({ length: rounds }, (_, r) => l[slotOf[r * n + i]]);
    const top = Math.max(...lses);
    const z = lses.reduce((acc, x) => acc + Math.exp(x - top), 0);
    for (let r = 0; r < rounds; r++) {
      const w = Math.exp(lses[r] - top) / z;
      const q = slotOf[r * n + i];
      for (let k = 0; k < width; k++) out[i * n + tok[keySlot(q, k, chunks, chunk)]] += w * p[q * width + k];
    }
  }
  return { rows: n, cols: n, data: out };
}
