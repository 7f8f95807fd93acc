/** Elementwise arithmetic: broadcasting binary ops, pointwise maps and their gradients. */
import type { BinaryOp, Buf, Dims4, UnaryGradOp, UnaryOp } from '../../backend';
import { WG, span, type Dispatcher } from '../dispatcher';
import { kernel, shader } from '../shader';
import { uniforms } from '../uniforms';
import binaryWgsl from './binary.wgsl?raw';
import geluWgsl from './gelu.wgsl?raw';
import unaryWgsl from './unary.wgsl?raw';
import unaryGradWgsl from './unaryGrad.wgsl?raw';

const UNARY_OPS: Record<UnaryOp, number> = { affine: 0, relu: 1, gelu: 2, exp: 3, log: 4, sqrt: 5, rsqrt: 6, square: 7, recip: 8, abs: 9 };
const BINARY_OPS: Record<BinaryOp, number> = { add: 0, sub: 1, mul: 2, div: 3 };
const UNARY_GRAD_OPS: Record<UnaryGradOp, number> = { relu: 0, gelu: 1 };

/** Override constants per op, built once (a dispatch allocates none). */
const constantsOf = <O extends string>(ops: Record<O, number>): Record<O, { OP: number }> =>
  Object.fromEntries(Object.entries(ops).map(([k, v]) => [k, { OP: v }])) as Record<O, { OP: number }>;
const BINARY_CONSTANTS = constantsOf(BINARY_OPS);
const UNARY_CONSTANTS = constantsOf(UNARY_OPS);
const UNARY_GRAD_CONSTANTS = constantsOf(UNARY_GRAD_OPS);

const BINARY = kernel(
  shader(
    'binary',
    uniforms({
      total: 'u32',
      s1: 'u32',
      s2: 'u32',
      s3: 'u32',
      a0: 'u32',
      a1: 'u32',
      a2: 'u32',
      a3: 'u32',
      b0: 'u32',
      b1: 'u32',
      b2: 'u32',
      b3: 'u32',
    }),
    binaryWgsl,
  ),
  'binary',
  'rrw',
);
const unaryShader = shader('unary', uniforms({ n: 'u32', alpha: 'f32', beta: 'f32' }), unaryWgsl, [geluWgsl]);
const UNARY = kernel(unaryShader, 'unary', 'rw');
const UNARY_INPLACE = kernel(unaryShader, 'unary_inplace', 'w');
const UNARY_GRAD = kernel(shader('unaryGrad', uniforms({ n: 'u32', acc: 'u32' }), unaryGradWgsl, [geluWgsl]), 'unary_grad', 'rrw');

export function binary(d: Dispatcher, op: BinaryOp, a: Buf, b: Buf, out: Buf, shape: Dims4, aStrides: Dims4, bStrides: Dims4): void {
  const name = `binary ${op}`;
  if (!(op in BINARY_OPS)) throw new Error(`binary: op ${String(op)} is not one of ${Object.keys(BINARY_OPS).join(', ')}`);
  const total = shape[0] * shape[1] * shape[2] * shape[3];
  d.need(name, out, total);
  d.need(name, a, span(shape, aStrides, 0));
  d.need(name, b, span(shape, bStrides, 0));
  const [a0, a1, a2, a3] = aStrides;
  const [b0, b1, b2, b3] = bStrides;
  const values = { total, s1: shape[1], s2: shape[2], s3: shape[3], a0, a1, a2, a3, b0, b1, b2, b3 };
  d.run(name, BINARY, BINARY_CONSTANTS[op], values, [a, b, out], d.grid1(Math.ceil(total / WG), name));
}

export function unary(d: Dispatcher, op: UnaryOp, x: Buf, out: Buf, alpha = 1, beta = 0): void {
  const name = `unary ${op}`;
  if (!(op in UNARY_OPS)) throw new Error(`unary: op ${String(op)} is not one of ${Object.keys(UNARY_OPS).join(', ')}`);
  const n = out.size;
  d.need(name, x, n);
  const values = { n, alpha, beta };
  const grid = d.grid1(Math.ceil(n / WG), name);
  const inPlace = d.pool.entry(x, name) === d.pool.entry(out, name);
  if (inPlace) d.run(name, UNARY_INPLACE, UNARY_CONSTANTS[op], values, [out], grid);
  else d.run(name, UNARY, UNARY_CONSTANTS[op], values, [x, out], grid);
}

export function unaryGrad(d: Dispatcher, op: UnaryGradOp, x: Buf, dy: Buf, dx: Buf, accumulate: boolean): void {
  const name = `unaryGrad ${op}`;
  if (!(op in UNARY_GRAD_OPS)) throw new Error(`unaryGrad: op ${String(op)} is not one of ${Object.keys(UNARY_GRAD_OPS).join(', ')}`);
  const n = dx.size;
  d.need(name, x, n);
  d.need(name, dy, n);
  d.run(name, UNARY_GRAD, UNARY_GRAD_CONSTANTS[op], { n, acc: accumulate ? 1 : 0 }, [x, dy, dx], d.grid1(Math.ceil(n / WG), name));
}
