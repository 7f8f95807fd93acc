/**
 * Every Backend method on WebGPU (Dawn in Node) against the float32 CPU reference on seeded
 * random data: odd sizes, broadcasting, transposes, accumulation. Data movement, arithmetic and
 * the matrix product here; the neural-network and optimizer kernels in `nnKernels.test.ts`,
 * layouts, 2-D grids and the recorder in `dispatch.test.ts`.
 */
import { describe, expect, it } from 'vitest';
import type { Dims4, MatmulParams, ReduceOp, UnaryOp } from '../backend';
import { contiguousStrides } from '../backend';
import { LINEAR_REG4, LINEAR_TILED } from './autotune/linearChoice';
import { MATMUL_KERNELS } from './matmulChoice';
import { ctx, expectClose, gpu, rand, rnd, tw, setUpGpuTwin } from './testing/gpuTwin';
import { TOLERANCES as T, sumTolerance } from './testing/tolerances';
import { describeDiff, randomArray, type Tolerance } from './testing/twin';

setUpGpuTwin();

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
    const src = tw.buf(
      Int32Array.from({ length: 24 }, (_, i) => i * 7919 - 50000),
      'i32',
    );
    const dst = tw.zeros(24, 'i32');
    tw.call('copyStrided', src, dst, [1, 2, 3, 4] as Dims4, [0, 1, 8, 2] as Dims4, 0, [0, 12, 4, 1] as Dims4, 0, 1, false);
    await expectClose('copyStrided i32', dst, T.exact);
    expect(() => gpu.copyStrided(src.test, dst.test, [1, 1, 1, 24], [0, 0, 0, 1], 0, [0, 0, 0, 1], 0, 2, false)).toThrow(
      /i32 buffers are copied bit for bit/,
    );
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
    for (const [outer, len, inner] of [
      [3, 300, 1],
      [2, 700, 9],
      [4, 5, 3],
    ]) {
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
    const outer = 4,
      len = 9,
      inner = 3;
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
      shapes.push({
        name: `odd 37×29·29×41 tA=${transA} tB=${transB}`,
        p: { batch: 1, m: 37, n: 41, k: 29, transA, transB, strideA: 0, strideB: 0, alpha: 1, accumulate: false },
      });
  shapes.push({
    name: 'batched with strides, alpha, accumulate',
    p: { batch: 3, m: 66, n: 70, k: 19, transA: false, transB: true, strideA: 66 * 19, strideB: 70 * 19, alpha: 0.75, accumulate: true },
  });
  shapes.push({
    name: 'broadcast B (strideB = 0), transposed A',
    p: { batch: 4, m: 5, n: 130, k: 33, transA: true, transB: false, strideA: 5 * 33, strideB: 0, alpha: 1, accumulate: false },
  });
  shapes.push({
    name: 'a row vector (m = 1)',
    p: { batch: 2, m: 1, n: 9, k: 300, transA: false, transB: false, strideA: 300, strideB: 2700, alpha: 1, accumulate: false },
  });
  shapes.push({
    name: 'k = 1 outer product',
    p: { batch: 1, m: 64, n: 65, k: 1, transA: false, transB: false, strideA: 0, strideB: 0, alpha: 2, accumulate: false },
  });

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

describe('Linear (product, bias and head split in one dispatch): every version and reg4 side equals the CPU', () => {
  const kernels = [LINEAR_TILED, ...LINEAR_REG4.values()];
  for (const { rows, k, n, heads, seq } of [
    { rows: 37, k: 29, n: 41, heads: 1, seq: 1 },
    { rows: 2 * 33, k: 20, n: 3 * 6, heads: 3, seq: 33 },
  ])
    it(`${rows}×${k} · ${n}×${k}ᵀ, ${heads} head(s)`, async () => {
      const [x, w, b] = [rnd(rows * k), rnd(n * k), rnd(n)];
      const out = tw.buf(new Float32Array(rows * n));
      tw.ref.linear(x.ref, w.ref, b.ref, out.ref, rows, k, n, heads, seq);
      const rule = gpu.linearChoice.rule;
      for (const kern of kernels) {
        gpu.write(out.test, new Float32Array(rows * n));
        // Nothing is tuned in this file, so the rule decides: set it to each kernel in turn.
        gpu.linearChoice.rule = kern;
        expect(gpu.linearChoice.pick(rows, k, n)).toBe(kern);
        gpu.linear(x.test, w.test, b.test, out.test, rows, k, n, heads, seq);
        const d = await tw.compare(out, T.matmul);
        expect(d.ok, describeDiff(kern.name, d, T.matmul)).toBe(true);
      }
      gpu.linearChoice.rule = rule;
      // Each side really reached the pipeline as its override constant.
      const built = gpu.builtPipelines().join(' ');
      for (const rw of LINEAR_REG4.keys()) expect(built).toContain(`linear_reg4(RW=${rw},)`);
      expect(built).toContain('linear_forward');
    });
});

describe('the device', () => {
  it('reports no validation errors for everything above', () => {
    expect(ctx.uncapturedErrors).toEqual([]);
  });
});
