/**
 * Reformer's hashing, bucket sort and row permutations as ops (docs/baselines.md "Reformer").
 * Hashing and sorting are not differentiable: they return i32 indices that only choose which
 * keys each query meets. The gradient flows through `permuteRows`, whose backward is the
 * gather by the inverse permutation (no scatter, no atomics).
 */
import { record } from '../autograd';
import type { Tensor } from '../tensor';
import { checkInputs, copyInto, output } from './util';

/**
 * rotated [B, H, n, rounds·half] (x·R) and mask [B, n] (1 valid, 0 padding) → buckets i32
 * [B, H, rounds, n]: in [0, 2·half) for valid tokens, 2·half for padded ones (sorted last).
 */
export function lshBuckets(rotated: Tensor, mask: Tensor, rounds: number): Tensor {
  checkInputs('lshBuckets', [rotated, mask]);
  const [b, h, n, width] = rotated.shape;
  if (rotated.rank !== 4 || !Number.isInteger(rounds) || rounds < 1 || width % rounds !== 0)
    throw new Error(`lshBuckets: ${rotated.describe()} must be [B, H, n, rounds·half] with rounds = ${rounds} dividing the last axis`);
  if (mask.size !== b * n) throw new Error(`lshBuckets: mask ${mask.describe()} must be [B, n] = [${b}, ${n}]`);
  const out = output(rotated, [b, h, rounds, n], 'lshBuckets', 'i32');
  rotated.backend.lshHash(rotated.buf, mask.buf, out.buf, b, h, n, rounds, width / rounds);
  return out;
}

/**
 * Stable sort of each row of buckets i32 [..., n] by (bucket, position) → `sorted` and `undo`,
 * i32 [size]: sorted[row·n + s] = row·n + (token in slot s), undo[row·n + t] = row·n + (slot of
 * token t), rows of the flattened table; each is the other's inverse.
 */
export function bucketSort(buckets: Tensor, numBuckets: number): { sorted: Tensor; undo: Tensor } {
  checkInputs('bucketSort', [buckets], 'i32');
  if (buckets.rank < 1 || !Number.isInteger(numBuckets) || numBuckets < 1)
    throw new Error(`bucketSort: ${buckets.describe()} must be [..., n] and numBuckets (${numBuckets}) a positive integer`);
  const n = buckets.shape[buckets.rank - 1];
  const sorted = output(buckets, [buckets.size], 'bucketSort sorted', 'i32');
  const undo = output(buckets, [buckets.size], 'bucketSort undo', 'i32');
  buckets.backend.bucketSort(buckets.buf, sorted.buf, undo.buf, buckets.size / n, n, numBuckets);
  return { sorted, undo };
}

/**
 * out[i, :] = x[perm[i], :] for x [rows, d] and a permutation perm i32 [rows] whose inverse is
 * `inverse` (the caller vouches for it: `bucketSort` returns both). Its backward is the gather
 * dx[j, :] = dy[inverse[j], :].
 */
export function permuteRows(x: Tensor, perm: Tensor, inverse: Tensor): Tensor {
  checkInputs('permuteRows', [x]);
  checkInputs('permuteRows indices', [perm, inverse], 'i32');
  const [rows, d] = x.shape;
  if (x.rank !== 2 || perm.size !== rows || inverse.size !== rows)
    throw new Error(
      `permuteRows: x ${x.describe()} must be [rows, d] with perm ${perm.describe()} and inverse ${inverse.describe()} of rows elements`,
    );
  const be = x.backend;
  const y = output(x, [rows, d], 'permuteRows');
  be.gather(x.buf, perm.buf, y.buf, rows, d);
  return record('permuteRows', y, [x], (g, sink) =>
    sink.into(x, (dst, acc) => {
      if (!acc) return be.gather(g.buf, inverse.buf, dst.buf, rows, d);
      const dx = output(x, [rows, d], 'permuteRows dx');
      be.gather(g.buf, inverse.buf, dx.buf, rows, d);
      copyInto(dx, dst, 1, true);
      dx.dispose();
    }),
  );
}
