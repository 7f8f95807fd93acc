/**
 * The neural-network and optimizer kernels on WebGPU against the float32 CPU reference
 * (softmax, cross-entropy, layerNorm, embedding, depthwise conv, dropout, AdamW and friends).
 */
import { describe, expect, it } from 'vitest';
import { ctx, expectClose, gpu, rand, rnd, tw, setUpGpuTwin } from './testing/gpuTwin';
import { TOLERANCES as T, sumTolerance } from './testing/tolerances';
import { describeDiff, randomArray } from './testing/twin';

setUpGpuTwin();

describe('neural-network kernels', () => {
  it('softmax and its backward, short and long rows', async () => {
    for (const [rows, cols] of [
      [9, 5],
      [7, 33],
      [3, 300],
    ]) {
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
    for (const [rows, classes] of [
      [11, 2],
      [6, 10],
      [4, 700],
    ]) {
      const logits = rnd(rows * classes, -5, 5);
      const labels = tw.buf(
        Int32Array.from({ length: rows }, () => Math.floor(rand() * classes)),
        'i32',
      );
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
    for (const [rows, cols] of [
      [5, 7],
      [33, 64],
      [3, 300],
      [1000, 70],
    ]) {
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
    for (const [vocab, dim, count] of [
      [13, 19, 101],
      [13, 19, 1000],
      [70_000, 64, 300],
    ])
      await gatherScatter(vocab, dim, count);
  });

  // [13, 19, 101]: 2 chunks of ids, so the scanning kernel; [13, 19, 1000]: 16 chunks;
  // [70 000, 64, 300]: a table too large for chunk slices, the scanning kernel again.
  async function gatherScatter(vocab: number, dim: number, count: number): Promise<void> {
    const table = rnd(vocab * dim);
    const ids = tw.buf(
      Int32Array.from({ length: count }, () => Math.floor(rand() * vocab)),
      'i32',
    );
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
    for (const [k, bh, heads, n, d] of [
      [3, 6, 3, 17, 5],
      [4, 6, 3, 17, 5],
      [1, 6, 3, 17, 5],
      [5, 4, 2, 300, 8],
    ]) {
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
    for (const [seed, offset, p] of [
      [1, 0, 0.1],
      [0xdeadbeef, 123456, 0.5],
      [7, 0xfffffff0, 0.9],
    ]) {
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
        tw.call('adamw', param, grad, m, v, scaled ? scale : null, {
          lr: 1e-2,
          beta1: 0.9,
          beta2: 0.98,
          eps: 1e-8,
          weightDecay: 0.01,
          step,
        });
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

describe('the device', () => {
  it('reports no validation errors for everything above', () => {
    expect(ctx.uncapturedErrors).toEqual([]);
  });
});
