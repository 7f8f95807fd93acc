/**
 * Every Backend method on WebGPU (Dawn in Node) against the float32 CPU reference on seeded
 * random data: odd sizes, broadcasting, transposes, accumulation, and 2-D dispatch.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nodeGpu } from './node';
import { acquireGpu, type GpuContext } from './device';
import { WebGpuBackend } from './backend';
import { CpuBackend } from '../cpu/backend';
import { contiguousStrides, type Dims4, type MatmulParams, type ReduceOp, type UnaryOp } from '../backend';
import { Twin, TwinBuf, describeDiff, randomArray, seededRandom, type Tolerance } from './testing/twin';
import { TOLERANCES as T, sumTolerance } from './testing/tolerances';
import { MATMUL_KERNELS } from './matmulChoice';

let ctx: GpuContext;
let gpu: WebGpuBackend;
let tw: Twin;
const rand = seededRandom(20261128);

beforeAll(async () => {
  ctx = await acquireGpu({ optionalFeatures: ['timestamp-query'] }, nodeGpu());
  gpu = new WebGpuBackend(ctx);
  tw = new Twin(new CpuBackend('f32'), gpu);
});
afterAll(() => {
  gpu?.dispose();
  ctx?.destroy();
});

async function expectClose(what: string, t: TwinBuf, tol: Tolerance): Promise<void> {
  const d = await tw.compare(t, tol);
  expect(d.ok, describeDiff(what, d, tol)).toBe(true);
}

const rnd = (n: number, lo = -1, hi = 1) => tw.buf(randomArray(rand, n, lo, hi));

describe('data movement', () => {
  it('fill writes f32 and i32 values', async () => {
    const f = tw.zeros(1001);
    tw.call('fill', f, -2.5);
    await expectClose('fill f32', f, T.exact);
    const i = tw.zeros(77, 'i32');
    tw.call('fill', i, -7);
    await expectClose('fill i32', i, T.exact);
  });

  it('eye writes scale·I for every matrix of a batch', async () => {
    const o = rnd(3 * 5 * 5);
    tw.call('eye', o, 3, 5, 0.5);
    await expectClose('eye', o, T.exact);
  });

  it('copyStrided permutes, slices with offsets, broadcasts and accumulates with alpha', async () => {
    const shape: Dims4 = [2, 3, 5, 7];
    const src = rnd(2 * 3 * 5 * 7 + 11);
    // Transpose the last two axes into a [2,3,7,5] destination, reading from offset 11.
    const dst = rnd(2 * 3 * 7 * 5 + 4);
    tw.call('copyStrided', src, dst, shape, contiguousStrides(shape), 11, [105, 35, 1, 5] as Dims4, 4, 1, false);
    await expectClose('copyStrided permute', dst, T.exact);
    // Broadcast a row (stride 0) and accumulate alpha·src.
    tw.call('copyStrided', src, dst, [1, 6, 5, 7] as Dims4, [0, 0, 0, 1] as Dims4, 3, [0, 35, 7, 1] as Dims4, 0, -1.5, true);
    await expectClose('copyStrided broadcast accumulate', dst, T.elementwise);
  });

  it('copyStrided copies i32 bit for bit and refuses float math on i32', async () => {
    const src = tw.buf(Int32Array.from({ length: 24 }, (_, i) => i * 7919 - 50000), 'i32');
    const dst = tw.zeros(24, 'i32');
    tw.call('copyStrided', src, dst, [1, 2, 3, 4] as Dims4, [0, 1, 8, 2] as Dims4, 0, [0, 12, 4, 1] as Dims4, 0, 1, false);
    await expectClose('copyStrided i32', dst, T.exact);
    expect(() => gpu.copyStrided(src.test, dst.test, [1, 1, 1, 24], [0, 0, 0, 1], 0, [0, 0, 0, 1], 0, 2, false)).toThrow(/i32 buffers are copied bit for bit/);
  });
});

describe('arithmetic', () => {
  it('binary ops broadcast through strides (bias add, column scale)', async () => {
    const shape: Dims4 = [3, 5, 7, 9];
    const n = 3 * 5 * 7 * 9;
    const a = rnd(n);
    const bias = rnd(9);
    const col = rnd(5 * 7, 0.5, 2); // away from 0, for div
    const out = tw.zeros(n);
    for (const op of ['add', 'sub', 'mul', 'div'] as const) {
      tw.call('binary', op, a, bias, out, shape, contiguousStrides(shape), [0, 0, 0, 1] as Dims4);
      await expectClose(`binary ${op} bias`, out, op === 'div' ? T.transcendental : T.elementwise);
      tw.call('binary', op, col, a, out, shape, [0, 7, 1, 0] as Dims4, contiguousStrides(shape));
      await expectClose(`binary ${op} column`, out, op === 'div' ? T.transcendental : T.elementwise);
    }
  });

  it('unary maps match on their domains, out of place and in place', async () => {
    const cases: [UnaryOp, number, number, Tolerance][] = [
      ['affine', -3, 3, T.elementwise],
      ['relu', -3, 3, T.exact],
      ['gelu', -6, 6, T.gelu],
      ['exp', -10, 10, T.transcendental],
      ['log', 1e-3, 10, T.transcendental],
      ['sqrt', 0, 10, T.transcendental],
      ['rsqrt', 1e-3, 10, T.transcendental],
      ['square', -3, 3, T.elementwise],
      ['recip', 0.1, 10, T.transcendental],
      ['abs', -3, 3, T.exact],
    ];
    for (const [op, lo, hi, tol] of cases) {
      const x = rnd(1037, lo, hi);
      const out = tw.zeros(1037);
      tw.call('unary', op, x, out, 1.75, -0.25);
      await expectClose(`unary ${op}`, out, tol);
      tw.call('unary', op, x, x, 1.75, -0.25);
      await expectClose(`unary ${op} in place`, x, tol);
    }
  });

  it('unaryGrad of relu and gelu, overwriting and accumulating', async () => {
    for (const op of ['relu', 'gelu'] as const) {
      const x = rnd(999, -5, 5);
      const dy = rnd(999);
      const dx = rnd(999);
      tw.call('unaryGrad', op, x, dy, dx, true);
      await expectClose(`unaryGrad ${op} accumulate`, dx, T.gelu);
      tw.call('unaryGrad', op, x, dy, dx, false);
      await expectClose(`unaryGrad ${op}`, dx, T.gelu);
    }
  });

  it('reduce sum/max/sumsq/maxabs over rows (inner = 1) and over a middle axis, with alpha and accumulate', async () => {
    const layouts: [number, number, number][] = [
      [13, 300, 1], // row path: a workgroup per output
      [5, 17, 11], // lane path: one invocation per output
      [2, 700, 9], // two-stage path: few outputs over a long strided axis, 11 chunks
      [1, 5000, 130], // two-stage path over 3 column blocks (a bias gradient)
      [1, 4099, 1],
      [7, 3, 1],
    ];
    for (const [outer, len, inner] of layouts)
      for (const op of ['sum', 'max', 'sumsq', 'maxabs'] as ReduceOp[]) {
        const x = rnd(outer * len * inner, -2, 2);
        const out = rnd(outer * inner);
        const tol = sumTolerance(len, op === 'sumsq' ? 4 : 2);
        tw.call('reduce', op, x, out, outer, len, inner, 0.5, true);
        await expectClose(`reduce ${op} [${outer},${len},${inner}] accumulate`, out, tol);
        tw.call('reduce', op, x, out, outer, len, inner, 1, false);
        await expectClose(`reduce ${op} [${outer},${len},${inner}]`, out, tol);
      }
  });

  it('reduce max and maxabs propagate NaN as the CPU reference does', async () => {
    for (const [outer, len, inner] of [[3, 300, 1], [2, 700, 9], [4, 5, 3]]) {
      const data = randomArray(rand, outer * len * inner);
      data[inner * 7 + 1] = NaN;
      const x = tw.buf(data);
      const out = tw.zeros(outer * inner);
      for (const op of ['max', 'maxabs'] as const) {
        tw.call('reduce', op, x, out, outer, len, inner, 1, false);
        await expectClose(`reduce ${op} with NaN [${outer},${len},${inner}]`, out, T.exact);
        expect(Array.from(await gpu.read(out.test)).some(Number.isNaN)).toBe(true);
      }
    }
  });

  it('reduceMaxBackward shares the gradient among ties', async () => {
    const outer = 4, len = 9, inner = 3;
    // Values from a small set so that ties occur.
    const xv = Float32Array.from({ length: outer * len * inner }, () => Math.floor(rand() * 4));
    const x = tw.buf(xv);
    const y = tw.zeros(outer * inner);
    tw.call('reduce', 'max', x, y, outer, len, inner, 1, false);
    const dy = rnd(outer * inner);
    const dx = rnd(outer * len * inner);
    tw.call('reduceMaxBackward', x, y, dy, dx, outer, len, inner, true);
    await expectClose('reduceMaxBackward', dx, T.elementwise);
  });
});

describe('matrix product: every kernel version', () => {
  const shapes: { name: string; p: MatmulParams }[] = [];
  for (const transA of [false, true])
    for (const transB of [false, true])
      shapes.push({ name: `odd 37×29·29×41 tA=${transA} tB=${transB}`, p: { batch: 1, m: 37, n: 41, k: 29, transA, transB, strideA: 0, strideB: 0, alpha: 1, accumulate: false } });
  shapes.push({ name: 'batched with strides, alpha, accumulate', p: { batch: 3, m: 66, n: 70, k: 19, transA: false, transB: true, strideA: 66 * 19, strideB: 70 * 19, alpha: 0.75, accumulate: true } });
  shapes.push({ name: 'broadcast B (strideB = 0), transposed A', p: { batch: 4, m: 5, n: 130, k: 33, transA: true, transB: false, strideA: 5 * 33, strideB: 0, alpha: 1, accumulate: false } });
  shapes.push({ name: 'a row vector (m = 1)', p: { batch: 2, m: 1, n: 9, k: 300, transA: false, transB: false, strideA: 300, strideB: 2700, alpha: 1, accumulate: false } });
  shapes.push({ name: 'k = 1 outer product', p: { batch: 1, m: 64, n: 65, k: 1, transA: false, transB: false, strideA: 0, strideB: 0, alpha: 2, accumulate: false } });

  for (const { name, p } of shapes)
    it(name, async () => {
      const a = rnd((p.batch - 1) * p.strideA + p.m * p.k);
      const b = rnd((p.batch - 1) * p.strideB + p.k * p.n);
      const init = randomArray(rand, p.batch * p.m * p.n);
      const out = tw.buf(init);
      tw.ref.matmul(a.ref, b.ref, out.ref, p);
      const expected = await tw.ref.read(out.ref);
      for (const kernel of MATMUL_KERNELS) {
        gpu.write(out.test, init);
        gpu.matmulWith(kernel, a.test, b.test, out.test, p);
        const d = await tw.compare(out, T.matmul);
        expect(d.ok, describeDiff(`matmul ${kernel} ${name}`, d, T.matmul)).toBe(true);
        expect(d.ref).toEqual(expected);
      }
      // And through the backend's own choice.
      gpu.write(out.test, init);
      gpu.matmul(a.test, b.test, out.test, p);
      await expectClose(`matmul (${gpu.matmulKernelFor(p)}) ${name}`, out, T.matmul);
    });
});

describe('neural-network kernels', () => {
  it('softmax and its backward, short and long rows', async () => {
    for (const [rows, cols] of [[9, 5], [7, 33], [3, 300]]) {
      const x = rnd(rows * cols, -4, 4);
      const y = tw.zeros(rows * cols);
      tw.call('softmax', x, y, rows, cols);
      await expectClose(`softmax ${rows}×${cols}`, y, T.rowNorm);
      const dy = rnd(rows * cols);
      const dx = rnd(rows * cols);
      tw.call('softmaxBackward', y, dy, dx, rows, cols, true);
      await expectClose(`softmaxBackward ${rows}×${cols} accumulate`, dx, T.rowNorm);
      tw.call('softmaxBackward', y, dy, dx, rows, cols, false);
      await expectClose(`softmaxBackward ${rows}×${cols}`, dx, T.rowNorm);
    }
  });

  it('crossEntropy loss and gradient, with and without dlogits', async () => {
    for (const [rows, classes] of [[11, 2], [6, 10], [4, 700]]) {
      const logits = rnd(rows * classes, -5, 5);
      const labels = tw.buf(Int32Array.from({ length: rows }, () => Math.floor(rand() * classes)), 'i32');
      const loss = tw.zeros(rows);
      const dl = rnd(rows * classes);
      tw.call('crossEntropy', logits, labels, loss, dl, rows, classes, 1 / rows);
      await expectClose(`crossEntropy loss ${rows}×${classes}`, loss, T.rowNorm);
      await expectClose(`crossEntropy dlogits ${rows}×${classes}`, dl, T.rowNorm);
      const loss2 = tw.zeros(rows);
      tw.call('crossEntropy', logits, labels, loss2, null, rows, classes, 1);
      await expectClose(`crossEntropy loss only ${rows}×${classes}`, loss2, T.rowNorm);
    }
  });

  it('crossEntropy with a label out of range gives NaN on the GPU (the CPU throws)', async () => {
    const logits = gpu.alloc(6, 'f32', 'activations', 'ce.logits');
    const labels = gpu.alloc(2, 'i32', 'activations', 'ce.labels');
    gpu.write(labels, [1, 3]);
    const loss = gpu.alloc(2, 'f32', 'activations', 'ce.loss');
    gpu.crossEntropy(logits, labels, loss, null, 2, 3, 1);
    const l = await gpu.read(loss);
    expect(l[0]).toBeCloseTo(Math.log(3), 6);
    expect(Number.isNaN(l[1])).toBe(true);
    for (const b of [logits, labels, loss]) gpu.free(b);
  });

  it('layerNorm forward and backward; dgamma and dbeta accumulate', async () => {
    // [1000, 70]: the parameter gradients run in 16 chunks of rows over 2 column blocks.
    for (const [rows, cols] of [[5, 7], [33, 64], [3, 300], [1000, 70]]) {
      const x = rnd(rows * cols, -3, 3);
      const gamma = rnd(cols, 0.5, 1.5);
      const beta = rnd(cols);
      const out = tw.zeros(rows * cols);
      const mean = tw.zeros(rows);
      const rstd = tw.zeros(rows);
      tw.call('layerNorm', x, gamma, beta, out, mean, rstd, rows, cols, 1e-5);
      await expectClose(`layerNorm out ${rows}×${cols}`, out, T.rowNorm);
      await expectClose(`layerNorm mean ${rows}×${cols}`, mean, T.rowNorm);
      await expectClose(`layerNorm rstd ${rows}×${cols}`, rstd, T.rowNorm);
      const dy = rnd(rows * cols);
      const dx = rnd(rows * cols);
      const dgamma = rnd(cols);
      const dbeta = rnd(cols);
      tw.call('layerNormBackward', x, gamma, mean, rstd, dy, dx, dgamma, dbeta, rows, cols, true);
      await expectClose(`layerNormBackward dx ${rows}×${cols}`, dx, T.rowNorm);
      // dgamma and dbeta are sums over all rows of dy·x̂ (|x̂| ≲ 3) and dy.
      await expectClose(`layerNormBackward dgamma ${rows}×${cols}`, dgamma, sumTolerance(rows, 3));
      await expectClose(`layerNormBackward dbeta ${rows}×${cols}`, dbeta, sumTolerance(rows, 1));
    }
  });

  it('gather and scatterAdd with repeated ids (deterministic accumulation), chunked and scanning', async () => {
    for (const [vocab, dim, count] of [[13, 19, 101], [13, 19, 1000], [70_000, 64, 300]]) await gatherScatter(vocab, dim, count);
  });

  // [13, 19, 101]: 2 chunks of ids, so the scanning kernel; [13, 19, 1000]: 16 chunks;
  // [70 000, 64, 300]: a table too large for chunk slices, the scanning kernel again.
  async function gatherScatter(vocab: number, dim: number, count: number): Promise<void> {
    const table = rnd(vocab * dim);
    const ids = tw.buf(Int32Array.from({ length: count }, () => Math.floor(rand() * vocab)), 'i32');
    const out = tw.zeros(count * dim);
    tw.call('gather', table, ids, out, count, dim);
    await expectClose('gather', out, T.exact);
    const dy = rnd(count * dim);
    const dtable = rnd(vocab * dim);
    tw.call('scatterAdd', ids, dy, dtable, count, dim);
    await expectClose(`scatterAdd [${vocab}, ${dim}] × ${count}`, dtable, sumTolerance(count, 1));
    // Same input, same bits: run it twice more and compare the two GPU results exactly.
    const again = tw.zeros(vocab * dim);
    tw.call('scatterAdd', ids, dy, again, count, dim);
    const first = await gpu.read(again.test);
    gpu.fill(again.test, 0);
    gpu.scatterAdd(ids.test, dy.test, again.test, count, dim);
    expect(await gpu.read(again.test)).toEqual(first);
    tw.free(table, ids, out, dy, dtable, again);
  }

  it('depthwise conv forward and backward (odd and even kernel lengths)', async () => {
    // The last shape sums dw over 19 chunks of 256 terms.
    for (const [k, bh, heads, n, d] of [[3, 6, 3, 17, 5], [4, 6, 3, 17, 5], [1, 6, 3, 17, 5], [5, 4, 2, 300, 8]]) {
      const x = rnd(bh * n * d);
      const w = rnd(heads * k);
      const out = rnd(bh * n * d);
      tw.call('dconv', x, w, out, bh, heads, n, d, k);
      await expectClose(`dconv k=${k}`, out, T.reduction);
      const dy = rnd(bh * n * d);
      const dx = rnd(bh * n * d);
      const dw = rnd(heads * k);
      tw.call('dconvBackward', x, w, dy, dx, dw, bh, heads, n, d, k);
      await expectClose(`dconvBackward dx k=${k}`, dx, T.reduction);
      const dwTol = sumTolerance((bh / heads) * n * d, 1);
      await expectClose(`dconvBackward dw k=${k}`, dw, dwTol);
      tw.call('dconvBackward', x, w, dy, null, dw, bh, heads, n, d, k);
      await expectClose(`dconvBackward dw only k=${k}`, dw, dwTol);
    }
  });

  it('dropoutMask is bit-identical to the CPU mask for the same seed and offset', async () => {
    for (const [seed, offset, p] of [[1, 0, 0.1], [0xdeadbeef, 123456, 0.5], [7, 0xfffffff0, 0.9]]) {
      const m = tw.zeros(4097);
      tw.call('dropoutMask', m, seed, offset, p, 1 / (1 - p));
      const d = await tw.compare(m, T.exact);
      expect(d.ok, describeDiff('dropoutMask', d, T.exact)).toBe(true);
      const kept = Array.from(d.test).filter((v) => v !== 0).length / 4097;
      expect(Math.abs(kept - (1 - p))).toBeLessThan(0.05);
    }
  });
});

describe('optimizer kernels', () => {
  it('sumSquares accumulates across tensors and clipCoefficient follows it', async () => {
    const a = rnd(5000);
    const b = rnd(33);
    const long = rnd(300_000); // long enough for the two-stage path (74 chunks)
    const s = tw.zeros(1);
    tw.call('sumSquares', a, s, false);
    tw.call('sumSquares', b, s, true);
    await expectClose('sumSquares', s, T.reduction);
    const s2 = tw.zeros(1);
    tw.call('sumSquares', long, s2, false);
    tw.call('sumSquares', a, s2, true);
    await expectClose('sumSquares two-stage', s2, sumTolerance(305_000, 1));
    const c = tw.zeros(1);
    for (const maxNorm of [1, 1e6, 0]) {
      tw.call('clipCoefficient', s, c, maxNorm);
      await expectClose(`clipCoefficient maxNorm=${maxNorm}`, c, T.transcendental);
    }
  });

  it('adamw matches over several steps, with and without a gradScale buffer', async () => {
    for (const scaled of [false, true]) {
      const n = 1234;
      const param = rnd(n);
      const m = tw.zeros(n);
      const v = tw.zeros(n);
      const scale = tw.buf([0.37]);
      for (let step = 1; step <= 3; step++) {
        const grad = rnd(n);
        tw.call('adamw', param, grad, m, v, scaled ? scale : null, { lr: 1e-2, beta1: 0.9, beta2: 0.98, eps: 1e-8, weightDecay: 0.01, step });
        tw.free(grad);
      }
      await expectClose(`adamw param scaled=${scaled}`, param, T.adamw);
      await expectClose(`adamw m scaled=${scaled}`, m, T.adamw);
      await expectClose(`adamw v scaled=${scaled}`, v, T.adamw);
    }
  });

  it('checkFinite flags NaN and ±Inf and otherwise leaves the flag alone', async () => {
    for (const bad of [NaN, Infinity, -Infinity]) {
      const data = randomArray(rand, 3000);
      data[2047] = bad;
      const x = tw.buf(data);
      const flag = tw.zeros(1);
      tw.call('checkFinite', x, flag);
      await expectClose(`checkFinite ${bad}`, flag, T.exact);
      expect((await gpu.read(flag.test))[0]).toBe(1);
    }
    const fine = rnd(3000);
    const flag = tw.buf([0]);
    tw.call('checkFinite', fine, flag);
    expect((await gpu.read(flag.test))[0]).toBe(0);
    const iflag = gpu.alloc(1, 'i32', 'scratch', 'flag.i32');
    const nan = gpu.alloc(4, 'f32', 'scratch', 'nan');
    gpu.write(nan, [0, NaN, 0, 0]);
    gpu.checkFinite(nan, iflag);
    expect(Array.from(await gpu.read(iflag))).toEqual([1]);
  });
});

describe('row kernels and reductions in both layouts (workgroup per row; invocation per row)', () => {
  for (const rowKernels of ['workgroup', 'serial'] as const) {
    it(`${rowKernels}: softmax, layerNorm, row and chunked reductions, conv dw match the CPU`, async () => {
      const be = new WebGpuBackend(ctx, { rowKernels });
      expect(be.serialRows).toBe(rowKernels === 'serial');
      const t2 = new Twin(tw.ref, be);
      const close = async (what: string, b: TwinBuf, tol: Tolerance) => {
        const d = await t2.compare(b, tol);
        expect(d.ok, describeDiff(`${rowKernels} ${what}`, d, tol)).toBe(true);
      };
      const r = (n: number, lo = -1, hi = 1) => t2.buf(randomArray(rand, n, lo, hi));
      // 130 rows: the serial layout's last workgroup of 64 rows is partly empty.
      for (const [rows, cols] of [[130, 64], [5, 300]]) {
        const x = r(rows * cols, -3, 3);
        const y = t2.zeros(rows * cols);
        t2.call('softmax', x, y, rows, cols);
        await close(`softmax ${rows}×${cols}`, y, T.rowNorm);
        const dy = r(rows * cols);
        const dx = r(rows * cols);
        t2.call('softmaxBackward', y, dy, dx, rows, cols, true);
        await close(`softmaxBackward ${rows}×${cols}`, dx, T.rowNorm);
        const gamma = r(cols, 0.5, 1.5);
        const beta = r(cols);
        const out = t2.zeros(rows * cols);
        const mean = t2.zeros(rows);
        const rstd = t2.zeros(rows);
        t2.call('layerNorm', x, gamma, beta, out, mean, rstd, rows, cols, 1e-5);
        await close(`layerNorm ${rows}×${cols}`, out, T.rowNorm);
        await close(`layerNorm rstd ${rows}×${cols}`, rstd, T.rowNorm);
        const dgamma = r(cols);
        const dbeta = r(cols);
        t2.call('layerNormBackward', x, gamma, mean, rstd, dy, dx, dgamma, dbeta, rows, cols, false);
        await close(`layerNormBackward dx ${rows}×${cols}`, dx, T.rowNorm);
        await close(`layerNormBackward dgamma ${rows}×${cols}`, dgamma, sumTolerance(rows, 3));
        const sums = t2.zeros(rows);
        t2.call('reduce', 'sum', x, sums, rows, cols, 1, 1, false);
        await close(`reduce rows ${rows}×${cols}`, sums, T.reduction);
        const colSums = t2.zeros(cols);
        t2.call('reduce', 'sum', x, colSums, 1, rows, cols, 1, false);
        await close(`reduce columns ${rows}×${cols}`, colSums, sumTolerance(rows, 3));
      }
      // Few outputs over a long strided axis: the two-stage (chunked partials) path.
      const long = r(320 * 26, -3, 3);
      const biasGrad = t2.zeros(26);
      t2.call('reduce', 'sum', long, biasGrad, 1, 320, 26, 1, false);
      await close('reduce chunked 320×26', biasGrad, sumTolerance(320, 3));
      const [k, bh, heads, n, d] = [9, 8, 2, 64, 16];
      const x = r(bh * n * d);
      const w = r(heads * k);
      const dy = r(bh * n * d);
      const dw = r(heads * k);
      t2.call('dconvBackward', x, w, dy, null, dw, bh, heads, n, d, k);
      await close('dconvBackward dw', dw, sumTolerance((bh / heads) * n * d, 1));
      be.dispose();
    });
  }
  it('refuses an unknown row layout, naming the allowed ones', () => {
    expect(() => new WebGpuBackend(ctx, { rowKernels: 'rows' as 'serial' })).toThrow(/rowKernels rows is not one of auto, workgroup, serial/);
  });
});

describe('large grids fold into a second dimension', () => {
  it('a softmax of 70 000 rows needs more than 65 535 workgroups in x', async () => {
    const rows = 70_000, cols = 2;
    const x = rnd(rows * cols, -3, 3);
    const y = tw.zeros(rows * cols);
    tw.call('softmax', x, y, rows, cols);
    await expectClose('softmax 70000 rows', y, T.rowNorm);
  });

  it('every grid shape works with a per-dimension limit of 7 workgroups', async () => {
    const small = new WebGpuBackend(ctx, { maxWorkgroupsPerDimension: 7 });
    const t2 = new Twin(tw.ref, small);
    const n = 256 * 7 * 3 + 5; // needs 22 workgroups: 7 × 4 grid
    const x = t2.buf(randomArray(rand, n));
    const y = t2.buf(randomArray(rand, n));
    const out = t2.zeros(n);
    const close = async (what: string, b: TwinBuf, tol: Tolerance) => {
      const d = await t2.compare(b, tol);
      expect(d.ok, describeDiff(what, d, tol)).toBe(true);
    };
    t2.call('binary', 'mul', x, y, out, [1, 1, 1, n] as Dims4, [0, 0, 0, 1] as Dims4, [0, 0, 0, 1] as Dims4);
    await close('binary 2-D', out, T.elementwise);
    t2.call('unary', 'gelu', x, out);
    await close('unary 2-D', out, T.gelu);
    const rows = 49, cols = 109; // 49 row-workgroups → a 7 × 7 grid
    t2.call('softmax', x, out, rows, cols);
    await close('softmax 2-D', out, T.rowNorm);
    const r = t2.zeros(rows);
    t2.call('reduce', 'sum', x, r, rows, cols, 1, 1, false);
    await close('reduce rows 2-D', r, T.reduction);
    t2.call('dropoutMask', out, 99, 5, 0.3, 2);
    await close('dropout 2-D', out, T.exact);
    // Batched matmul with more products than the z limit is dispatched in slices.
    const p: MatmulParams = { batch: 17, m: 5, n: 6, k: 7, transA: false, transB: false, strideA: 35, strideB: 42, alpha: 1, accumulate: false };
    const a = t2.buf(randomArray(rand, 17 * 35));
    const b = t2.buf(randomArray(rand, 17 * 42));
    const o = t2.zeros(17 * 30);
    t2.call('matmul', a, b, o, p);
    await close('matmul batch slices', o, T.matmul);
    small.dispose();
  });
});

describe('the recorder', () => {
  it('records a whole step into one submission and reuses its uniform slots without allocating', async () => {
    const x = rnd(500);
    const y = tw.zeros(500);
    gpu.flush();
    const before = gpu.submitCount;
    const created = gpu.pool.created;
    for (let i = 0; i < 50; i++) gpu.unary('affine', x.test, y.test, 1.01, i);
    expect(gpu.submitCount).toBe(before); // nothing submitted while recording
    gpu.flush();
    expect(gpu.submitCount).toBe(before + 1);
    expect(gpu.pool.created).toBe(created);
  });

  it('keeps program order when a step outgrows the uniform ring and when writes interleave', async () => {
    const tiny = new WebGpuBackend(ctx, { uniformSlots: 3 });
    const t2 = new Twin(tw.ref, tiny);
    const x = t2.buf(randomArray(rand, 300));
    const acc = t2.zeros(300);
    const tmp = t2.zeros(300);
    const flat: Dims4 = [1, 1, 1, 300];
    const unit: Dims4 = [0, 0, 0, 1];
    for (let i = 0; i < 10; i++) {
      t2.call('binary', 'add', acc, x, tmp, flat, unit, unit);
      t2.call('copyStrided', tmp, acc, flat, unit, 0, unit, 0, 1, false);
      t2.call('unary', 'affine', x, x, 0.5, i);
      if (i % 3 === 0) t2.call('write', x, randomArray(rand, 300));
    }
    const d = await t2.compare(acc, T.reduction);
    expect(d.ok, describeDiff('ring overflow', d, T.reduction)).toBe(true);
    expect(tiny.submitCount).toBeGreaterThan(3);
    tiny.dispose();
  });

  it('refuses to bind one buffer as input and output of a kernel that cannot run in place', () => {
    const x = gpu.alloc(10, 'f32', 'activations', 'alias.x');
    expect(() => gpu.softmax(x, x, 2, 5)).toThrow(/softmax: buffer "alias.x" is passed as both an input and an output/);
    gpu.free(x);
  });

  it('names the op, the buffer and the sizes on a shape mismatch', () => {
    const a = gpu.alloc(10, 'f32', 'activations', 'small.a');
    const o = gpu.alloc(100, 'f32', 'activations', 'mm.out');
    expect(() => gpu.matmul(a, a, o, { batch: 1, m: 10, n: 10, k: 2, transA: false, transB: false, strideA: 0, strideB: 0, alpha: 1, accumulate: false })).toThrow(
      /matmul reg4: buffer "small.a" holds 10 elements, needs 20/,
    );
    gpu.free(a);
    gpu.free(o);
  });

  it('reports no validation errors for everything above', () => {
    expect(ctx.uncapturedErrors).toEqual([]);
  });
});
