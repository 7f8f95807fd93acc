/**
 * Shape ops: reshape (a view, no copy), permute/transpose, head split and merge, slicing,
 * concatenation and broadcast expansion. All copies go through the backend's strided copy.
 */
import { record } from '../autograd';
import { contiguousStrides, dims4, numel, type Dims4 } from '../backend';
import type { Tensor } from '../tensor';
import { axisOf, broadcast, checkInputs, output, reduceTo, shapeStr } from './util';

const CONTIG = (shape: readonly number[]) => contiguousStrides(dims4(shape));

/** The same data under a new shape (one −1 allowed); shares the buffer. */
export function reshape(x: Tensor, shape: readonly number[]): Tensor {
  const unknown = shape.indexOf(-1);
  const resolved = [...shape];
  if (unknown >= 0) {
    const known = numel(shape.filter((_, i) => i !== unknown));
    if (x.size % known !== 0) throw new Error(`reshape: cannot reshape ${x.describe()} to ${shapeStr(shape)}`);
    resolved[unknown] = x.size / known;
  }
  if (numel(resolved) !== x.size) throw new Error(`reshape: cannot reshape ${x.describe()} (${x.size} elements) to ${shapeStr(shape)}`);
  const y = x.view(resolved, 'reshape');
  return record('reshape', y, [x], (g, sink) => sink.pass(x, g));
}

/** Axes reordered: out.shape[i] = x.shape[perm[i]] (at most 4 dimensions). */
export function permute(x: Tensor, perm: readonly number[]): Tensor {
  if (perm.length !== x.rank || [...perm].sort().some((p, i) => p !== i))
    throw new Error(`permute: ${shapeStr(perm)} is not a permutation of the axes of ${x.describe()}`);
  if (x.rank > 4) throw new Error(`permute: ${x.describe()} has more than 4 dimensions`);
  const outShape = perm.map((p) => x.shape[p]);
  const xs = x.shape.map((_, i) => numel(x.shape.slice(i + 1)));
  // Strides of x read in the output's axis order, padded to 4-D.
  const pad = 4 - x.rank;
  const srcStrides = [0, 0, 0, 0].map((_, d) => (d < pad ? 0 : xs[perm[d - pad]])) as unknown as Dims4;
  const out4 = dims4(outShape);
  const y = output(x, outShape, 'permute');
  x.backend.copyStrided(x.buf, y.buf, out4, srcStrides, 0, CONTIG(outShape), 0, 1, false);
  return record('permute', y, [x], (g, sink) =>
    sink.into(x, (d, acc) => x.backend.copyStrided(g.buf, d.buf, out4, CONTIG(outShape), 0, srcStrides, 0, 1, acc)),
  );
}

/** Swap two axes. */
export function transpose(x: Tensor, a = -2, b = -1): Tensor {
  const i = axisOf('transpose', x, a);
  const j = axisOf('transpose', x, b);
  const perm = x.shape.map((_, k) => (k === i ? j : k === j ? i : k));
  return permute(x, perm);
}

/** [B, n, H·d_h] → [B, H, n, d_h]; head h takes columns h·d_h … (h+1)·d_h − 1. */
export function splitHeads(x: Tensor, heads: number): Tensor {
  if (x.rank !== 3 || x.shape[2] % heads !== 0)
    throw new Error(`splitHeads: ${x.describe()} must be [B, n, H·d_h] with width divisible by ${heads} heads`);
  const [b, n, w] = x.shape;
  return permute(reshape(x, [b, n, heads, w / heads]), [0, 2, 1, 3]);
}

/** [B, H, n, d_h] → [B, n, H·d_h], the inverse of splitHeads. */
export function mergeHeads(x: Tensor): Tensor {
  if (x.rank !== 4) throw new Error(`mergeHeads: ${x.describe()} must be [B, H, n, d_h]`);
  const [b, h, n, d] = x.shape;
  return reshape(permute(x, [0, 2, 1, 3]), [b, n, h * d]);
}

/** The 4-D view [outer, len, inner] of a tensor around `axis`, as Dims4 with a leading 1. */
function around4(shape: readonly number[], axis: number): Dims4 {
  return [1, numel(shape.slice(0, axis)), shape[axis], numel(shape.slice(axis + 1))];
}

/** x[..., start : start + length, ...] along one axis. */
export function slice(x: Tensor, axis: number, start: number, length: number): Tensor {
  const ax = axisOf('slice', x, axis);
  if (!Number.isInteger(start) || !Number.isInteger(length) || start < 0 || length < 1 || start + length > x.shape[ax])
    throw new Error(`slice: [${start}, ${start + length}) is outside axis ${ax} of ${x.describe()}`);
  const outShape = x.shape.map((s, i) => (i === ax ? length : s));
  const [, outer, len, inner] = around4(x.shape, ax);
  const shape: Dims4 = [1, outer, length, inner];
  const srcStrides: Dims4 = [0, len * inner, inner, 1];
  const y = output(x, outShape, 'slice');
  x.backend.copyStrided(x.buf, y.buf, shape, srcStrides, start * inner, contiguousStrides(shape), 0, 1, false);
  return record('slice', y, [x], (g, sink) =>
    sink.into(x, (d, acc) => {
      if (!acc) x.backend.fill(d.buf, 0);
      x.backend.copyStrided(g.buf, d.buf, shape, contiguousStrides(shape), 0, srcStrides, start * inner, 1, true);
    }),
  );
}

/** Concatenate along one axis; every other dimension must match. */
export function concat(xs: readonly Tensor[], axis: number): Tensor {
  if (xs.length === 0) throw new Error('concat: no tensors');
  checkInputs('concat', [...xs]);
  const first = xs[0];
  const ax = axisOf('concat', first, axis);
  for (const t of xs)
    if (t.rank !== first.rank || t.shape.some((s, i) => i !== ax && s !== first.shape[i]))
      throw new Error(`concat: ${xs.map((t) => shapeStr(t.shape)).join(', ')} differ outside axis ${ax}`);
  const total = xs.reduce((s, t) => s + t.shape[ax], 0);
  const outShape = first.shape.map((s, i) => (i === ax ? total : s));
  const [, outer, , inner] = around4(outShape, ax);
  const y = output(first, outShape, 'concat');
  const parts: { t: Tensor; shape: Dims4; offset: number }[] = [];
  let at = 0;
  for (const t of xs) {
    const shape: Dims4 = [1, outer, t.shape[ax], inner];
    parts.push({ t, shape, offset: at * inner });
    first.backend.copyStrided(t.buf, y.buf, shape, contiguousStrides(shape), 0, [0, total * inner, inner, 1], at * inner, 1, false);
    at += t.shape[ax];
  }
  return record('concat', y, [...xs], (g, sink) => {
    for (const p of parts)
      sink.into(p.t, (d, acc) =>
        first.backend.copyStrided(g.buf, d.buf, p.shape, [0, total * inner, inner, 1], p.offset, contiguousStrides(p.shape), 0, 1, acc),
      );
  });
}

/** x expanded to `shape` by NumPy broadcasting (a copy); its gradient sums back. */
export function broadcastTo(x: Tensor, shape: readonly number[]): Tensor {
  const bc = broadcast('broadcastTo', x.shape, shape);
  if (bc.shape.length !== shape.length || bc.shape.some((s, i) => s !== shape[i]))
    throw new Error(`broadcastTo: ${x.describe()} does not broadcast to ${shapeStr(shape)}`);
  const y = output(x, shape, 'broadcastTo');
  x.backend.copyStrided(x.buf, y.buf, bc.out4, bc.aStrides, 0, contiguousStrides(bc.out4), 0, 1, false);
  return record('broadcastTo', y, [x], (g, sink) => sink.into(x, (d, acc) => reduceTo(g, d, 1, acc)));
}
