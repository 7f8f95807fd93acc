/**
 * How the WebGPU backend dispatches: both row-kernel layouts, grids folded into a second
 * dimension, and the recorder (one submission per step, the uniform ring, program order, the
 * aliasing and size checks).
 */
import { describe, expect, it } from 'vitest';
import type { Dims4, MatmulParams } from '../backend';
import { WebGpuBackend } from './backend';
import { ctx, expectClose, gpu, rand, rnd, tw, setUpGpuTwin } from './testing/gpuTwin';
import { TOLERANCES as T, sumTolerance } from './testing/tolerances';
import { Twin, type TwinBuf, describeDiff, randomArray, type Tolerance } from './testing/twin';

setUpGpuTwin();

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
      for (const [rows, cols] of [
        [130, 64],
        [5, 300],
      ]) {
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
    expect(() => new WebGpuBackend(ctx, { rowKernels: 'rows' as 'serial' })).toThrow(
      /rowKernels rows is not one of auto, workgroup, serial/,
    );
  });
});

describe('large grids fold into a second dimension', () => {
  it('a softmax of 70 000 rows needs more than 65 535 workgroups in x', async () => {
    const rows = 70_000,
      cols = 2;
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
    const rows = 49,
      cols = 109; // 49 row-workgroups → a 7 × 7 grid
    t2.call('softmax', x, out, rows, cols);
    await close('softmax 2-D', out, T.rowNorm);
    const r = t2.zeros(rows);
    t2.call('reduce', 'sum', x, r, rows, cols, 1, 1, false);
    await close('reduce rows 2-D', r, T.reduction);
    t2.call('dropoutMask', out, 99, 5, 0.3, 2);
    await close('dropout 2-D', out, T.exact);
    // Batched matmul with more products than the z limit is dispatched in slices.
    const p: MatmulParams = {
      batch: 17,
      m: 5,
      n: 6,
      k: 7,
      transA: false,
      transB: false,
      strideA: 35,
      strideB: 42,
      alpha: 1,
      accumulate: false,
    };
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
    expect(() =>
      gpu.matmul(a, a, o, {
        batch: 1,
        m: 10,
        n: 10,
        k: 2,
        transA: false,
        transB: false,
        strideA: 0,
        strideB: 0,
        alpha: 1,
        accumulate: false,
      }),
    ).toThrow(/matmul reg4: buffer "small.a" holds 10 elements, needs 20/);
    gpu.free(a);
    gpu.free(o);
  });

  it('reports no validation errors for everything above', () => {
    expect(ctx.uncapturedErrors).toEqual([]);
  });
});
