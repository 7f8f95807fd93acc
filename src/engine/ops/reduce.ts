/** Reductions: sum and mean over an axis or everything, and max (torch.amax gradient semantics). */
import { record } from '../autograd';
import type { Dims4 } from '../backend';
import type { Tensor } from '../tensor';
import { reshape } from './shape';
import { around, axisOf, checkInputs, output } from './util';

export interface ReduceOptions {
  /** Keep the reduced axis as size 1 (PyTorch keepdim). */
  keepDim?: boolean;
}

function reducedShape(x: Tensor, ax: number, keepDim: boolean): number[] {
  return keepDim ? x.shape.map((s, i) => (i === ax ? 1 : s)) : x.shape.filter((_, i) => i !== ax);
}

/** dst (+)= alpha·g broadcast back along the reduced axis. */
function spread(x: Tensor, g: Tensor, d: Tensor, outer: number, len: number, inner: number, alpha: number, acc: boolean): void {
  const shape: Dims4 = [1, outer, len, inner];
  x.backend.copyStrided(g.buf, d.buf, shape, [0, inner, 0, 1], 0, [0, len * inner, inner, 1], 0, alpha, acc);
}

function sumLike(op: 'sum' | 'mean', x: Tensor, axis: number | null, keepDim: boolean): Tensor {
  checkInputs(op, [x]);
  // The sum or mean of one element is that element: a view, no dispatch (a loss already reduced).
  if (axis === null && x.size === 1) return reshape(x, keepDim ? x.shape.map(() => 1) : []);
  const ax = axis === null ? null : axisOf(op, x, axis);
  const [outer, len, inner] = ax === null ? [1, x.size, 1] : around(x.shape, ax);
  const alpha = op === 'mean' ? 1 / len : 1;
  const y = output(x, ax === null ? (keepDim ? x.shape.map(() => 1) : []) : reducedShape(x, ax, keepDim), op);
  x.backend.reduce('sum', x.buf, y.buf, outer, len, inner, alpha, false);
  return record(op, y, [x], (g, sink) => sink.into(x, (d, acc) => spread(x, g, d, outer, len, inner, alpha, acc)));
}

/** Σ over one axis. */
export function sum(x: Tensor, axis: number, opts: ReduceOptions = {}): Tensor {
  return sumLike('sum', x, axis, opts.keepDim ?? false);
}

/** Mean over one axis. */
export function mean(x: Tensor, axis: number, opts: ReduceOptions = {}): Tensor {
  return sumLike('mean', x, axis, opts.keepDim ?? false);
}

/** Σ of every element, shape []. */
export function sumAll(x: Tensor): Tensor {
  return sumLike('sum', x, null, false);
}

/** Mean of every element, shape []. */
export function meanAll(x: Tensor): Tensor {
  return sumLike('mean', x, null, false);
}

function maxLike(x: Tensor, axis: number | null, keepDim: boolean): Tensor {
  checkInputs('max', [x]);
  const ax = axis === null ? null : axisOf('max', x, axis);
  const [outer, len, inner] = ax === null ? [1, x.size, 1] : around(x.shape, ax);
  const y = output(x, ax === null ? [] : reducedShape(x, ax, keepDim), 'max');
  x.backend.reduce('max', x.buf, y.buf, outer, len, inner, 1, false);
  return record('max', y, [x], (g, sink) =>
    sink.into(x, (d, acc) => x.backend.reduceMaxBackward(x.buf, y.buf, g.buf, d.buf, outer, len, inner, acc)),
  );
}

/** Max over one axis (torch.amax): the gradient goes to the maximum, shared evenly between ties. */
export function max(x: Tensor, axis: number, opts: ReduceOptions = {}): Tensor {
  return maxLike(x, axis, opts.keepDim ?? false);
}

/** Max of every element, shape [] (torch.max(x)): gradient to the maximum, ties share. */
export function maxAll(x: Tensor): Tensor {
  return maxLike(x, null, false);
}
