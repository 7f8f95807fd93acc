/** Shared helpers of the ops: output allocation, input checks, broadcasting and gradient reduction. */
import { contiguousStrides, dims4, numel, type Buf, type Dims4 } from '../backend';
import type { GradSink } from '../autograd';
import { Tensor } from '../tensor';

/** A new activation tensor on `like`'s backend. */
export function output(like: Tensor, shape: readonly number[], op: string, dtype: 'f32' | 'i32' = 'f32'): Tensor {
  return Tensor.empty(like.backend, shape, { dtype, category: 'activations', label: op });
}

/** A scratch tensor (temporaries of a backward pass). */
export function scratch(like: Tensor, shape: readonly number[], label: string): Tensor {
  return Tensor.empty(like.backend, shape, { category: 'scratch', label });
}

export function shapeStr(shape: readonly number[]): string {
  return `[${shape.join(', ')}]`;
}

/** Inputs must live on one backend, be undisposed and be float (unless listed otherwise). */
export function checkInputs(op: string, ts: Tensor[], dtype: 'f32' | 'i32' = 'f32'): void {
  for (const t of ts) if (t.disposed) throw new Error(`${op}: input ${t.describe()} was used after dispose`);
  const b = ts[0].backend;
  for (const t of ts) {
    if (t.backend !== b) throw new Error(`${op}: inputs live on different backends (${b.label} and ${t.backend.label})`);
    if (t.dtype !== dtype) throw new Error(`${op}: input ${t.describe()} must be ${dtype}`);
  }
}

/** Normalise a possibly negative axis. */
export function axisOf(op: string, t: Tensor, axis: number): number {
  const a = axis < 0 ? axis + t.rank : axis;
  if (!Number.isInteger(a) || a < 0 || a >= t.rank) throw new Error(`${op}: axis ${axis} is out of range for ${t.describe()}`);
  return a;
}

/** [outer, len, inner] of a tensor around one axis. */
export function around(shape: readonly number[], axis: number): [number, number, number] {
  return [numel(shape.slice(0, axis)), shape[axis], numel(shape.slice(axis + 1))];
}

/** NumPy broadcasting of two shapes (at most 4 dimensions), with the 4-D strides reading each input. */
export function broadcast(
  op: string,
  a: readonly number[],
  b: readonly number[],
): { shape: number[]; out4: Dims4; aStrides: Dims4; bStrides: Dims4 } {
  const rank = Math.max(a.length, b.length);
  if (rank > 4) throw new Error(`${op}: shapes ${shapeStr(a)} and ${shapeStr(b)} have more than 4 dimensions`);
  const shape: number[] = [];
  for (let i = 0; i < rank; i++) {
    const x = a[a.length - rank + i] ?? 1;
    const y = b[b.length - rank + i] ?? 1;
    if (x !== y && x !== 1 && y !== 1)
      throw new Error(`${op}: shapes ${shapeStr(a)} and ${shapeStr(b)} do not broadcast (dimension ${i}: ${x} vs ${y})`);
    shape.push(Math.max(x, y));
  }
  const out4 = dims4(shape);
  return { shape, out4, aStrides: broadcastStrides(a, out4), bStrides: broadcastStrides(b, out4) };
}

/** Strides that read a contiguous `shape` as the 4-D `target`, with 0 on broadcast dimensions. */
export function broadcastStrides(shape: readonly number[], target: Dims4): Dims4 {
  const s4 = dims4(shape);
  const st = contiguousStrides(s4);
  return st.map((s, d) => (s4[d] === 1 && target[d] !== 1 ? 0 : s)) as unknown as Dims4;
}

/** dst (+)= alpha·src over the same element count, contiguous. */
export function copyInto(src: Tensor, dst: Tensor, alpha: number, accumulate: boolean): void {
  src.backend.copyStrided(src.buf, dst.buf, [1, 1, 1, src.size], [0, 0, 0, 1], 0, [0, 0, 0, 1], 0, alpha, accumulate);
}

/**
 * dst (+)= alpha · (src summed down to dst's shape): the gradient of a broadcast input.
 * One reduction per run of adjacent broadcast axes (a bias over [B, n] is one reduction);
 * the last writes into dst.
 */
export function reduceTo(src: Tensor, dst: Tensor, alpha: number, accumulate: boolean): void {
  const target = dims4(dst.shape);
  let cur = dims4(src.shape).slice() as number[];
  for (let d = 0; d < 4; d++)
    if (target[d] !== 1 && target[d] !== cur[d]) throw new Error(`reduceTo: ${src.describe()} cannot reduce to ${dst.describe()}`);
  const runs: [number, number][] = [];
  for (let d = 0; d < 4; d++) {
    if (target[d] !== 1 || cur[d] === 1) continue;
    const last = runs[runs.length - 1];
    if (last && last[1] === d - 1) last[1] = d;
    else runs.push([d, d]);
  }
  if (runs.length === 0) {
    copyInto(src, dst, alpha, accumulate);
    return;
  }
  let curBuf: Buf = src.buf;
  let temp: Tensor | null = null;
  runs.forEach(([from, to], idx) => {
    const outer = numel(cur.slice(0, from));
    const len = numel(cur.slice(from, to + 1));
    const inner = numel(cur.slice(to + 1));
    const last = idx === runs.length - 1;
    const next = last ? null : scratch(src, [outer * inner], 'reduceTo');
    src.backend.reduce('sum', curBuf, next ? next.buf : dst.buf, outer, len, inner, last ? alpha : 1, last ? accumulate : false);
    temp?.dispose();
    temp = next;
    if (next) curBuf = next.buf;
    cur = cur.map((c, i) => (i >= from && i <= to ? 1 : c));
  });
}

/**
 * For kernels without an accumulate flag: compute into dst when setting, or into a temporary
 * that is then added to dst when accumulating.
 */
export function writeOrAdd(dst: Tensor, accumulate: boolean, compute: (out: Buf) => void): void {
  if (!accumulate) {
    compute(dst.buf);
    return;
  }
  const t = scratch(dst, dst.shape, 'writeOrAdd');
  compute(t.buf);
  copyInto(t, dst, 1, true);
  t.dispose();
}

/** sink.into for a tensor that may not want a gradient: a zeroed temporary stands in (kernels that always write it). */
export function intoOrTemp(sink: GradSink, t: Tensor, write: (dst: Tensor, accumulate: boolean) => void): void {
  if (sink.needs(t)) {
    sink.into(t, write);
    return;
  }
  const tmp = scratch(t, t.shape, 'unused gradient');
  t.backend.fill(tmp.buf, 0);
  write(tmp, false);
  tmp.dispose();
}
