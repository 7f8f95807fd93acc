/**
 * Subgroup reductions on SwiftShader (which has the `subgroups` feature): the layout check
 * passes, and softmax, its backward, cross-entropy and the row sums computed through subgroups
 * match the CPU reference — as does the plain workgroup-tree path they stand beside. The
 * pipelines built show which path ran.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CpuBackend } from '../cpu/backend';
import { WebGpuBackend } from './backend';
import { acquireGpu, type GpuContext } from './device';
import { nodeGpu } from './node';
import { checkSubgroups } from './subgroups';
import { TOLERANCES as T, sumTolerance } from './testing/tolerances';
import { Twin, describeDiff, randomArray, seededRandom } from './testing/twin';

let ctx: GpuContext;
beforeAll(async () => {
  ctx = await acquireGpu({ optionalFeatures: ['subgroups'] }, nodeGpu());
});
afterAll(() => ctx?.destroy());

const rand = seededRandom(20261202);

/** softmax, softmaxBackward, crossEntropy and row sums on `be` against the CPU, for rows that use every row workgroup size. */
async function rowKernelsMatch(be: WebGpuBackend): Promise<void> {
  const tw = new Twin(new CpuBackend('f32'), be);
  const close = async (what: string, t: ReturnType<Twin['buf']>, tol: { abs: number; rel: number }) => {
    const d = await tw.compare(t, tol);
    expect(d.ok, describeDiff(what, d, tol)).toBe(true);
  };
  for (const [rows, cols] of [
    [9, 5],
    [7, 64],
    [5, 100],
    [3, 300],
    [2, 1000],
  ]) {
    const x = tw.buf(randomArray(rand, rows * cols, -4, 4));
    const y = tw.zeros(rows * cols);
    tw.call('softmax', x, y, rows, cols);
    await close(`softmax ${rows}×${cols}`, y, T.rowNorm);
    const dy = tw.buf(randomArray(rand, rows * cols));
    const dx = tw.zeros(rows * cols);
    tw.call('softmaxBackward', y, dy, dx, rows, cols, false);
    await close(`softmaxBackward ${rows}×${cols}`, dx, T.rowNorm);
    const labels = tw.buf(
      Int32Array.from({ length: rows }, () => Math.floor(rand() * cols)),
      'i32',
    );
    const loss = tw.zeros(rows);
    const dl = tw.zeros(rows * cols);
    tw.call('crossEntropy', x, labels, loss, dl, rows, cols, 1 / rows);
    await close(`crossEntropy loss ${rows}×${cols}`, loss, T.rowNorm);
    await close(`crossEntropy dlogits ${rows}×${cols}`, dl, T.rowNorm);
    for (const op of ['sum', 'sumsq', 'max'] as const) {
      const r = tw.zeros(rows);
      tw.call('reduce', op, x, r, rows, cols, 1, 1, false);
      await close(`reduce ${op} ${rows}×${cols}`, r, sumTolerance(cols, 16));
    }
  }
}

describe('subgroup reductions', () => {
  it('the layout check passes on SwiftShader and names the subgroup sizes', async () => {
    const c = await checkSubgroups(ctx.device);
    expect(c.usable, c.reason).toBe(true);
    expect(Object.keys(c.sizes).map(Number)).toEqual([32, 64, 128, 256]);
    expect(c.reason).toMatch(/subgroups of \d+/);
  });

  it('softmax, its backward, cross-entropy and row sums through subgroups match the CPU', async () => {
    const be = new WebGpuBackend(ctx, { rowKernels: 'workgroup', subgroups: true });
    expect(be.rowReduction).toBe('subgroups');
    await rowKernelsMatch(be);
    const built = be.builtPipelines().join(' ');
    expect(built).toMatch(/softmaxSubgroup\.softmax\(/);
    expect(built).toMatch(/softmaxSubgroup\.softmax_backward\(/);
    expect(built).toMatch(/crossEntropySubgroup\.ce_grad\(/);
    expect(built).toMatch(/reduceSubgroup\.reduce_rows\(/);
    expect(built).not.toMatch(/(^| )softmax\.softmax\(/);
    be.dispose();
  });

  it('the plain workgroup-tree path, kept beside it, matches the CPU too', async () => {
    const be = new WebGpuBackend(ctx, { rowKernels: 'workgroup' });
    expect(be.rowReduction).toBe('workgroup tree');
    await rowKernelsMatch(be);
    const built = be.builtPipelines().join(' ');
    expect(built).toMatch(/(^| )softmax\.softmax\(/);
    expect(built).not.toMatch(/Subgroup/);
    be.dispose();
  });

  it('refuses subgroups on a device without the feature, saying so', async () => {
    const plain = await acquireGpu({}, nodeGpu());
    expect(() => new WebGpuBackend(plain, { subgroups: true })).toThrow(/needs a device created with the subgroups feature/);
    expect(await checkSubgroups(plain.device)).toMatchObject({ usable: false, reason: 'the device has no subgroups feature' });
    plain.destroy();
  });
});
