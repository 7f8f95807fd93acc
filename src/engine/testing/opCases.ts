/**
 * The op-case registry: one small deterministic case per op (and per interesting variant),
 * with its tolerances written next to it. Used by the float64 finite-difference gradient
 * check (gradcheck.test.ts) and by the cross-backend comparisons (WebGPU against the CPU).
 * `fd`: analytic vs finite-difference gradients on CpuBackend('f64').
 * `f32`: a float32 backend vs the float64 reference, forward and gradients.
 */
import type { Tensor } from '../tensor';
import * as O from '../ops/index';
import type { OpCase } from './opRunner';
import type { Tolerance } from './tolerance';

const FD: Tolerance = { abs: 1e-7, rel: 1e-6 };
const F32: Tolerance = { abs: 2e-5, rel: 2e-4 };
/** Ops whose output mixes many terms (reductions over a row, pseudo-inverse iterations) lose more in f32. */
const F32_LOOSE: Tolerance = { abs: 1e-4, rel: 1e-3 };

function c(
  name: string,
  inputs: OpCase['inputs'],
  forward: (x: Record<string, Tensor>) => Tensor,
  tol: Partial<Pick<OpCase, 'fd' | 'f32'>> = {},
): OpCase {
  return { name, inputs, forward, fd: tol.fd ?? FD, f32: tol.f32 ?? F32 };
}

/** The Nyström/Proxyformer pseudo-inverse: Z0 = Aᵀ / max_j Σ_i |A_ij| ('global' init), then Newton–Schulz iterations. */
function pinv(a: Tensor, iterations: number): Tensor {
  const n = a.shape[a.rank - 1];
  const batch = a.shape.slice(0, -2);
  let z = O.div(O.transpose(a), O.maxAll(O.sum(O.abs(a), -2)));
  const eye = O.eye(a.backend, n, batch);
  for (let i = 0; i < iterations; i++) {
    const az = O.matmul(a, z);
    const t1 = O.sub(O.scale(eye, 7), az);
    const t2 = O.sub(O.scale(eye, 15), O.matmul(az, t1));
    const t3 = O.sub(O.scale(eye, 13), O.matmul(az, t2));
    z = O.scale(O.matmul(z, t3), 0.25);
  }
  return z;
}

export const OP_CASES: readonly OpCase[] = [
  // ---- elementwise with broadcasting ----
  c(
    'add (bias broadcast)',
    [
      { name: 'a', shape: [2, 3, 4] },
      { name: 'b', shape: [4] },
    ],
    (x) => O.add(x.a, x.b),
  ),
  c(
    'sub (two-sided broadcast)',
    [
      { name: 'a', shape: [2, 1, 4] },
      { name: 'b', shape: [3, 1] },
    ],
    (x) => O.sub(x.a, x.b),
  ),
  c(
    'mul (broadcast)',
    [
      { name: 'a', shape: [2, 3, 4] },
      { name: 'b', shape: [2, 1, 4] },
    ],
    (x) => O.mul(x.a, x.b),
  ),
  c(
    'div (broadcast)',
    [
      { name: 'a', shape: [3, 4] },
      { name: 'b', shape: [3, 1], kind: 'positive' },
    ],
    (x) => O.div(x.a, x.b),
  ),
  c('affine', [{ name: 'x', shape: [3, 5] }], (x) => O.affine(x.x, -1.5, 0.25)),
  c(
    'scaleColumns (K2·diag(r))',
    [
      { name: 'k2', shape: [2, 2, 3, 4] },
      { name: 'r', shape: [2, 2, 4] },
    ],
    (x) => O.scaleColumns(x.k2, x.r),
  ),
  // ---- matrix products ----
  c(
    'matmul 2-D',
    [
      { name: 'a', shape: [3, 4] },
      { name: 'b', shape: [4, 5] },
    ],
    (x) => O.matmul(x.a, x.b),
  ),
  c(
    'matmul batched',
    [
      { name: 'a', shape: [2, 3, 4] },
      { name: 'b', shape: [2, 4, 5] },
    ],
    (x) => O.matmul(x.a, x.b),
  ),
  c(
    'matmul 4-D transB alpha (s·QKᵀ)',
    [
      { name: 'q', shape: [2, 2, 3, 4] },
      { name: 'k', shape: [2, 2, 5, 4] },
    ],
    (x) => O.matmul(x.q, x.k, { transB: true, alpha: 0.5 }),
  ),
  c(
    'matmul transA batched',
    [
      { name: 'a', shape: [2, 4, 3] },
      { name: 'b', shape: [2, 4, 5] },
    ],
    (x) => O.matmul(x.a, x.b, { transA: true }),
  ),
  c(
    'matmul transA transB batched',
    [
      { name: 'a', shape: [2, 4, 3] },
      { name: 'b', shape: [2, 5, 4] },
    ],
    (x) => O.matmul(x.a, x.b, { transA: true, transB: true }),
  ),
  c(
    'matmul linear (shared weight, transB)',
    [
      { name: 'x', shape: [2, 3, 4] },
      { name: 'w', shape: [5, 4] },
    ],
    (x) => O.matmul(x.x, x.w, { transB: true }),
  ),
  c(
    'matmul shared weight',
    [
      { name: 'x', shape: [2, 3, 4] },
      { name: 'w', shape: [4, 5] },
    ],
    (x) => O.matmul(x.x, x.w),
  ),
  c(
    'matmul shared weight, transA input',
    [
      { name: 'x', shape: [2, 4, 3] },
      { name: 'w', shape: [4, 5] },
    ],
    (x) => O.matmul(x.x, x.w, { transA: true }),
  ),
  c(
    'matmul shared left operand',
    [
      { name: 'p', shape: [3, 4] },
      { name: 'k', shape: [2, 4, 5] },
    ],
    (x) => O.matmul(x.p, x.k),
  ),
  c(
    'matmul shared left operand, transA transB',
    [
      { name: 'p', shape: [4, 3] },
      { name: 'k', shape: [2, 5, 4] },
    ],
    (x) => O.matmul(x.p, x.k, { transA: true, transB: true }),
  ),
  // ---- pointwise ----
  c('relu', [{ name: 'x', shape: [3, 5], kind: 'away0' }], (x) => O.relu(x.x)),
  c('gelu (erf)', [{ name: 'x', shape: [4, 5] }], (x) => O.gelu(O.scale(x.x, 3))),
  c('exp', [{ name: 'x', shape: [3, 4] }], (x) => O.exp(x.x)),
  c('log', [{ name: 'x', shape: [3, 4], kind: 'positive' }], (x) => O.log(x.x)),
  c('sqrt', [{ name: 'x', shape: [3, 4], kind: 'positive' }], (x) => O.sqrt(x.x)),
  c('square', [{ name: 'x', shape: [3, 4] }], (x) => O.square(x.x)),
  c('abs', [{ name: 'x', shape: [3, 4], kind: 'away0' }], (x) => O.abs(x.x)),
  // ---- reductions ----
  c('sum over axis', [{ name: 'x', shape: [2, 3, 4] }], (x) => O.sum(x.x, 1)),
  c('mean over last axis, keepDim', [{ name: 'x', shape: [2, 3, 4] }], (x) => O.mean(x.x, -1, { keepDim: true })),
  c('sumAll', [{ name: 'x', shape: [3, 4] }], (x) => O.sumAll(x.x)),
  c('meanAll', [{ name: 'x', shape: [3, 4] }], (x) => O.meanAll(x.x)),
  c('max over axis', [{ name: 'x', shape: [2, 5, 3] }], (x) => O.max(x.x, 1)),
  c('maxAll', [{ name: 'x', shape: [4, 5] }], (x) => O.maxAll(x.x)),
  // ---- neural-network ops ----
  c('softmax (4-D rows)', [{ name: 'x', shape: [2, 2, 3, 5] }], (x) => O.softmax(O.scale(x.x, 2))),
  c(
    'crossEntropy',
    [
      { name: 'logits', shape: [4, 5] },
      { name: 'labels', shape: [4], kind: 'ids', max: 5 },
    ],
    (x) => O.crossEntropy(O.scale(x.logits, 2), x.labels),
  ),
  c(
    'layerNorm',
    [
      { name: 'x', shape: [2, 3, 6] },
      { name: 'gamma', shape: [6] },
      { name: 'beta', shape: [6] },
    ],
    (x) => O.layerNorm(x.x, x.gamma, x.beta),
  ),
  c(
    'embedding (repeated ids)',
    [
      { name: 'table', shape: [4, 3] },
      { name: 'ids', shape: [2, 5], kind: 'ids', max: 4 },
    ],
    (x) => O.embedding(x.table, x.ids),
  ),
  c(
    'depthwiseConv k=3',
    [
      { name: 'x', shape: [2, 2, 7, 3] },
      { name: 'w', shape: [2, 3] },
    ],
    (x) => O.depthwiseConv(x.x, x.w),
  ),
  c(
    'depthwiseConv k=5 (longer than half the sequence)',
    [
      { name: 'x', shape: [1, 2, 4, 2] },
      { name: 'w', shape: [2, 5] },
    ],
    (x) => O.depthwiseConv(x.x, x.w),
  ),
  c('segmentMean', [{ name: 'x', shape: [2, 6, 3] }], (x) => O.segmentMean(x.x, 3)),
  c('l2Normalize', [{ name: 'x', shape: [3, 4] }], (x) => O.l2Normalize(x.x)),
  // More rows than one workgroup of the row kernel, and the input reused (its gradient accumulates).
  c('l2Normalize (130 rows, input reused)', [{ name: 'x', shape: [2, 65, 5] }], (x) => O.add(O.l2Normalize(x.x), O.scale(x.x, 0.5))),
  // ---- shape ops ----
  c('reshape', [{ name: 'x', shape: [2, 6] }], (x) => O.mul(O.reshape(x.x, [3, -1]), O.reshape(x.x, [3, 4]))),
  c('permute', [{ name: 'x', shape: [2, 3, 4, 2] }], (x) => O.permute(x.x, [2, 0, 3, 1])),
  c('transpose', [{ name: 'x', shape: [2, 3, 4] }], (x) => O.transpose(x.x)),
  c('splitHeads', [{ name: 'x', shape: [2, 3, 4] }], (x) => O.splitHeads(x.x, 2)),
  c('mergeHeads', [{ name: 'x', shape: [2, 2, 3, 2] }], (x) => O.mergeHeads(x.x)),
  c('slice', [{ name: 'x', shape: [2, 5, 3] }], (x) => O.slice(x.x, 1, 1, 3)),
  c(
    'concat (last axis)',
    [
      { name: 'a', shape: [2, 3] },
      { name: 'b', shape: [2, 2] },
    ],
    (x) => O.concat([x.a, x.b, O.mul(x.a, x.a)], -1),
  ),
  c(
    'concat (middle axis)',
    [
      { name: 'a', shape: [2, 1, 3] },
      { name: 'b', shape: [2, 2, 3] },
    ],
    (x) => O.concat([x.a, x.b], 1),
  ),
  c('broadcastTo', [{ name: 'x', shape: [3, 1] }], (x) => O.broadcastTo(x.x, [2, 3, 4])),
  // ---- masking and dropout ----
  c(
    'maskedFill',
    [
      { name: 'x', shape: [2, 3, 4] },
      { name: 'mask', shape: [2, 1, 4], kind: 'mask01' },
    ],
    (x) => O.maskedFill(x.x, x.mask, -3),
  ),
  c(
    'additive key mask',
    [
      { name: 'x', shape: [2, 3, 4] },
      { name: 'mask', shape: [2, 1, 4], kind: 'mask01' },
    ],
    (x) => O.softmax(O.add(x.x, O.affine(x.mask, 1e9, -1e9))),
  ),
  c(
    'dropoutWith explicit mask',
    [
      { name: 'x', shape: [3, 4] },
      { name: 'mask', shape: [3, 4], kind: 'mask01' },
    ],
    (x) => O.dropoutWith(x.x, O.scale(x.mask, 1.25)),
  ),
  c('dropout (seeded)', [{ name: 'x', shape: [4, 6] }], (x) => O.dropout(x.x, 0.3, new O.DropoutStream(42, 5))),
  // ---- composites the models rely on ----
  c(
    'linear (shared weight and bias)',
    [
      { name: 'x', shape: [2, 3, 4] },
      { name: 'w', shape: [5, 4] },
      { name: 'b', shape: [5] },
    ],
    (x) => O.linear(x.x, x.w, x.b),
  ),
  c('logSumExp over axis', [{ name: 'x', shape: [2, 4, 3] }], (x) => O.logSumExp(O.scale(x.x, 4), 1)),
  c('logSoftmax', [{ name: 'x', shape: [3, 5] }], (x) => O.logSoftmax(O.scale(x.x, 4))),
  c('pseudo-inverse, global init, 3 iterations', [{ name: 'a', shape: [2, 3, 3], kind: 'positive' }], (x) => pinv(O.softmax(x.a), 3), {
    fd: { abs: 1e-6, rel: 1e-5 },
    f32: F32_LOOSE,
  }),
  c(
    'projection (Linear in one op), 120 rows, 17 outputs (partial tiles, two column blocks of the bias gradient)',
    [
      { name: 'x', shape: [4, 30, 18] },
      { name: 'w', shape: [17, 18] },
      { name: 'b', shape: [17] },
    ],
    (x) => O.projection(x.x, x.w, x.b),
  ),
  c(
    'projection into 3 heads, input reused',
    [
      { name: 'x', shape: [2, 5, 4] },
      { name: 'w', shape: [6, 4] },
      { name: 'b', shape: [6] },
    ],
    (x) => O.mul(O.projection(x.x, x.w, x.b, 3), O.projection(x.x, x.w, x.b, 3)),
  ),
  c('pinvInit: Z0 = Aᵀ / max column sum, per matrix (one op)', [{ name: 'a', shape: [3, 5, 5] }], (x) => O.pinvInit(x.a)),
  c(
    'pinvInit with a dropped flag per matrix, 70 columns (a strided workgroup loop)',
    [{ name: 'a', shape: [2, 70, 70] }],
    (x) => O.pinvInit(x.a, O.full(x.a.backend, [2, 1, 1], 1)),
    { f32: F32_LOOSE },
  ),
  c(
    'pinvIteration: two fused steps, gradients to A and Z',
    [
      { name: 'a', shape: [2, 4, 4], kind: 'positive' },
      { name: 'z', shape: [2, 4, 4] },
    ],
    (x) => {
      const a = O.softmax(x.a);
      return O.pinvIteration(a, O.pinvIteration(a, O.scale(x.z, 0.3)));
    },
    { fd: { abs: 1e-6, rel: 1e-5 }, f32: F32_LOOSE },
  ),
  c(
    'attention block',
    [
      { name: 'q', shape: [1, 2, 4, 3] },
      { name: 'k', shape: [1, 2, 4, 3] },
      { name: 'v', shape: [1, 2, 4, 3] },
    ],
    (x) => O.mergeHeads(O.matmul(O.softmax(O.matmul(x.q, x.k, { transB: true, alpha: 0.5 })), x.v)),
  ),
  // Fused attention: 70 keys span two CPU tiles (64) and three WGSL tiles (32); dv = 33 spans two column chunks (32).
  c(
    'fusedAttention (several key tiles, dv ≠ dk)',
    [
      { name: 'q', shape: [1, 2, 3, 3] },
      { name: 'k', shape: [1, 2, 70, 3] },
      { name: 'v', shape: [1, 2, 70, 33] },
    ],
    (x) => O.fusedAttention(x.q, x.k, x.v, null, { scale: 0.7 }),
  ),
  c(
    'fusedAttention with key mask',
    [
      { name: 'q', shape: [2, 2, 4, 3] },
      { name: 'k', shape: [2, 2, 6, 3] },
      { name: 'v', shape: [2, 2, 6, 2] },
      { name: 'mask', shape: [2, 1, 1, 6], kind: 'mask01' },
    ],
    (x) => O.fusedAttention(x.q, x.k, x.v, O.affine(x.mask, 1e9, -1e9), { scale: 0.5 }),
  ),
];

/** Look a case up by name. */
export function opCase(name: string): OpCase {
  const found = OP_CASES.find((x) => x.name === name);
  if (!found) throw new Error(`opCase: no case "${name}"`);
  return found;
}
