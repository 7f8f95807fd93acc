/** Elementwise arithmetic with NumPy broadcasting (bias add, masks, column scaling) and scalar affine maps. */
import { record, type GradSink } from '../autograd';
import type { BinaryOp } from '../backend';
import type { Tensor } from '../tensor';
import { reshape } from './shape';
import { broadcast, checkInputs, copyInto, output, reduceTo, scratch } from './util';

function binaryForward(op: BinaryOp, a: Tensor, b: Tensor): { y: Tensor; shape: number[] } {
  checkInputs(op, [a, b]);
  const bc = broadcast(op, a.shape, b.shape);
  const y = output(a, bc.shape, op);
  a.backend.binary(op, a.buf, b.buf, y.buf, bc.out4, bc.aStrides, bc.bStrides);
  return { y, shape: bc.shape };
}

/** g ∘ x evaluated at the broadcast shape (for the gradients of mul and div). */
function combine(op: BinaryOp, g: Tensor, x: Tensor): Tensor {
  const bc = broadcast(op, g.shape, x.shape);
  const t = scratch(g, bc.shape, `${op} grad`);
  g.backend.binary(op, g.buf, x.buf, t.buf, bc.out4, bc.aStrides, bc.bStrides);
  return t;
}

/**
 * Route alpha·g to x: g itself when x has g's element count and alpha is 1 (a view, no copy:
 * `GradSink.pass`), else summed down to x's shape.
 */
function passOrReduce(sink: GradSink, x: Tensor, g: Tensor, alpha: number): void {
  if (alpha === 1 && x.size === g.size) sink.pass(x, g);
  else sink.into(x, (d, acc) => reduceTo(g, d, alpha, acc));
}

/** Route a product's gradient term t (at the broadcast shape) to x, then drop the caller's handle on t. */
function combined(sink: GradSink, x: Tensor, t: Tensor): void {
  if (t.size === x.size) sink.pass(x, t);
  else sink.into(x, (d, acc) => reduceTo(t, d, 1, acc));
  t.dispose();
}

/** a + b (broadcasting). */
export function add(a: Tensor, b: Tensor): Tensor {
  const { y } = binaryForward('add', a, b);
  return record('add', y, [a, b], (g, sink) => {
    passOrReduce(sink, a, g, 1);
    passOrReduce(sink, b, g, 1);
  });
}

/** a − b (broadcasting). */
export function sub(a: Tensor, b: Tensor): Tensor {
  const { y } = binaryForward('sub', a, b);
  return record('sub', y, [a, b], (g, sink) => {
    passOrReduce(sink, a, g, 1);
    passOrReduce(sink, b, g, -1);
  });
}

/** a ⊙ b (broadcasting): multiplicative masks, K2·diag(r), gating. */
export function mul(a: Tensor, b: Tensor): Tensor {
  const { y } = binaryForward('mul', a, b);
  return record('mul', y, [a, b], (g, sink) => {
    if (sink.needs(a)) combined(sink, a, combine('mul', g, b));
    if (sink.needs(b)) combined(sink, b, combine('mul', g, a));
  });
}

/** a / b (broadcasting). */
export function div(a: Tensor, b: Tensor): Tensor {
  const { y } = binaryForward('div', a, b);
  return record('div', y, [a, b], (g, sink) => {
    if (sink.needs(a)) combined(sink, a, combine('div', g, b));
    // d(a/b)/db = −y/b
    sink.into(b, (d, acc) => {
      const gy = combine('mul', g, y);
      const t = combine('div', gy, b);
      reduceTo(t, d, -1, acc);
      gy.dispose();
      t.dispose();
    });
  });
}

/** alpha·x + beta, elementwise. */
export function affine(x: Tensor, alpha: number, beta: number): Tensor {
  checkInputs('affine', [x]);
  const y = output(x, x.shape, 'affine');
  x.backend.unary('affine', x.buf, y.buf, alpha, beta);
  return record('affine', y, [x], (g, sink) => {
    if (alpha === 1) sink.pass(x, g);
    else sink.into(x, (d, acc) => copyInto(g, d, alpha, acc));
  });
}

/** alpha·x. */
export function scale(x: Tensor, alpha: number): Tensor {
  return affine(x, alpha, 0);
}

/** x + c. */
export function addScalar(x: Tensor, c: number): Tensor {
  return affine(x, 1, c);
}

/** −x. */
export function neg(x: Tensor): Tensor {
  return affine(x, -1, 0);
}

/** x ⊙ col with col [..., c] scaling the columns of x [..., r, c]: K2·diag(r) for the decomposed column dropout. */
export function scaleColumns(x: Tensor, col: Tensor): Tensor {
  if (x.rank < 2 || col.shape[col.rank - 1] !== x.shape[x.rank - 1] || col.rank !== x.rank - 1)
    throw new Error(`scaleColumns: columns ${col.describe()} must be [..., ${x.shape[x.rank - 1]}] for ${x.describe()}`);
  return mul(x, reshape(col, [...col.shape.slice(0, -1), 1, col.shape[col.rank - 1]]));
}
