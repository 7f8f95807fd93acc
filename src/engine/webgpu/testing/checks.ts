/**
 * A handful of WebGPU-against-CPU checks that run anywhere: in Vitest through Dawn and in a
 * Chromium page (no Node-only imports). Each returns a result instead of throwing, so a page
 * or an e2e test can show or assert them one by one.
 */
import type { Backend, Dims4, MatmulParams } from '../../backend';
import type { WebGpuBackend } from '../backend';
import { MATMUL_KERNELS } from '../matmulChoice';
import { TOLERANCES as T } from './tolerances';
import { Twin, describeDiff, randomArray, seededRandom, type Tolerance, type TwinBuf } from './twin';

export interface CheckResult {
  name: string;
  ok: boolean;
  detail: string;
}

type Check = (tw: Twin, gpu: WebGpuBackend, rand: () => number) => Promise<string[]>;

async function cmp(tw: Twin, what: string, t: TwinBuf, tol: Tolerance): Promise<string[]> {
  const d = await tw.compare(t, tol);
  return d.ok ? [] : [describeDiff(what, d, tol)];
}

const CHECKS: Record<string, Check> = {
  async 'matmul, every kernel (batched, transposed, odd sizes)'(tw, gpu, rand) {
    const p: MatmulParams = {
      batch: 3,
      m: 37,
      n: 70,
      k: 29,
      transA: true,
      transB: true,
      strideA: 37 * 29,
      strideB: 70 * 29,
      alpha: 0.5,
      accumulate: false,
    };
    const a = tw.buf(randomArray(rand, 3 * 37 * 29));
    const b = tw.buf(randomArray(rand, 3 * 70 * 29));
    const out = tw.zeros(3 * 37 * 70);
    tw.ref.matmul(a.ref, b.ref, out.ref, p);
    const problems: string[] = [];
    for (const k of MATMUL_KERNELS) {
      gpu.matmulWith(k, a.test, b.test, out.test, p);
      problems.push(...(await cmp(tw, `matmul ${k}`, out, T.matmul)));
    }
    tw.free(a, b, out);
    return problems;
  },
  async 'softmax and its backward'(tw, _gpu, rand) {
    const x = tw.buf(randomArray(rand, 9 * 300, -4, 4));
    const y = tw.zeros(9 * 300);
    const dy = tw.buf(randomArray(rand, 9 * 300));
    const dx = tw.zeros(9 * 300);
    tw.call('softmax', x, y, 9, 300);
    tw.call('softmaxBackward', y, dy, dx, 9, 300, false);
    const r = [...(await cmp(tw, 'softmax', y, T.rowNorm)), ...(await cmp(tw, 'softmaxBackward', dx, T.rowNorm))];
    tw.free(x, y, dy, dx);
    return r;
  },
  async 'LayerNorm forward and backward'(tw, _gpu, rand) {
    const rows = 17,
      cols = 64;
    const x = tw.buf(randomArray(rand, rows * cols, -2, 2));
    const g = tw.buf(randomArray(rand, cols, 0.5, 1.5));
    const b = tw.buf(randomArray(rand, cols));
    const out = tw.zeros(rows * cols),
      mean = tw.zeros(rows),
      rstd = tw.zeros(rows);
    const dy = tw.buf(randomArray(rand, rows * cols));
    const dx = tw.zeros(rows * cols),
      dg = tw.zeros(cols),
      db = tw.zeros(cols);
    tw.call('layerNorm', x, g, b, out, mean, rstd, rows, cols, 1e-5);
    tw.call('layerNormBackward', x, g, mean, rstd, dy, dx, dg, db, rows, cols, false);
    const r: string[] = [];
    for (const [n, t] of [
      ['out', out],
      ['dx', dx],
      ['dgamma', dg],
      ['dbeta', db],
    ] as const)
      r.push(...(await cmp(tw, `layerNorm ${n}`, t, T.rowNorm)));
    tw.free(x, g, b, out, mean, rstd, dy, dx, dg, db);
    return r;
  },
  async 'GELU (erf) and its gradient'(tw, _gpu, rand) {
    const x = tw.buf(randomArray(rand, 2000, -6, 6));
    const y = tw.zeros(2000);
    const dy = tw.buf(randomArray(rand, 2000));
    const dx = tw.zeros(2000);
    tw.call('unary', 'gelu', x, y);
    tw.call('unaryGrad', 'gelu', x, dy, dx, false);
    const r = [...(await cmp(tw, 'gelu', y, T.gelu)), ...(await cmp(tw, 'gelu grad', dx, T.gelu))];
    tw.free(x, y, dy, dx);
    return r;
  },
  async 'cross-entropy loss and gradient'(tw, _gpu, rand) {
    const rows = 12,
      classes = 10;
    const logits = tw.buf(randomArray(rand, rows * classes, -5, 5));
    const labels = tw.buf(
      Int32Array.from({ length: rows }, () => Math.floor(rand() * classes)),
      'i32',
    );
    const loss = tw.zeros(rows),
      dl = tw.zeros(rows * classes);
    tw.call('crossEntropy', logits, labels, loss, dl, rows, classes, 1 / rows);
    const r = [...(await cmp(tw, 'loss', loss, T.rowNorm)), ...(await cmp(tw, 'dlogits', dl, T.rowNorm))];
    tw.free(logits, labels, loss, dl);
    return r;
  },
  async 'dropout mask bit-identical to the CPU'(tw) {
    const m = tw.zeros(10_001);
    tw.call('dropoutMask', m, 0xc0ffee, 777, 0.1, 1 / 0.9);
    const r = await cmp(tw, 'dropout mask', m, T.exact);
    tw.free(m);
    return r;
  },
  async 'embedding backward accumulates repeated rows'(tw, _gpu, rand) {
    const ids = tw.buf(
      Int32Array.from({ length: 200 }, () => Math.floor(rand() * 7)),
      'i32',
    );
    const dy = tw.buf(randomArray(rand, 200 * 16));
    const dt = tw.zeros(7 * 16);
    tw.call('scatterAdd', ids, dy, dt, 200, 16);
    const r = await cmp(tw, 'scatterAdd', dt, T.reduction);
    tw.free(ids, dy, dt);
    return r;
  },
  async 'clipped AdamW step on the device'(tw, _gpu, rand) {
    const n = 3000;
    const p = tw.buf(randomArray(rand, n)),
      g = tw.buf(randomArray(rand, n)),
      m = tw.zeros(n),
      v = tw.zeros(n);
    const sq = tw.zeros(1),
      clip = tw.zeros(1);
    tw.call('sumSquares', g, sq, false);
    tw.call('clipCoefficient', sq, clip, 1);
    tw.call('adamw', p, g, m, v, clip, { lr: 1e-3, beta1: 0.9, beta2: 0.999, eps: 1e-6, weightDecay: 0.01, step: 1 });
    const r = [...(await cmp(tw, 'clip', clip, T.reduction)), ...(await cmp(tw, 'param', p, T.adamw))];
    tw.free(p, g, m, v, sq, clip);
    return r;
  },
  async 'strided copy (head split) and broadcast bias add'(tw, _gpu, rand) {
    // [B=2, n=5, H=3, d_h=4] → [B, H, n, d_h]
    const x = tw.buf(randomArray(rand, 2 * 5 * 3 * 4));
    const heads = tw.zeros(2 * 3 * 5 * 4);
    tw.call('copyStrided', x, heads, [2, 5, 3, 4] as Dims4, [60, 12, 4, 1] as Dims4, 0, [60, 4, 20, 1] as Dims4, 0, 1, false);
    const bias = tw.buf(randomArray(rand, 4));
    const out = tw.zeros(120);
    tw.call('binary', 'add', heads, bias, out, [2, 3, 5, 4] as Dims4, [60, 20, 4, 1] as Dims4, [0, 0, 0, 1] as Dims4);
    const r = [...(await cmp(tw, 'head split', heads, T.exact)), ...(await cmp(tw, 'bias add', out, T.elementwise))];
    tw.free(x, heads, bias, out);
    return r;
  },
};

/** Run every check with `ref` (the CPU reference) against `gpu`; never throws for a mismatch. */
export async function runWebGpuChecks(ref: Backend, gpu: WebGpuBackend, seed = 1): Promise<CheckResult[]> {
  const tw = new Twin(ref, gpu);
  const rand = seededRandom(seed);
  const results: CheckResult[] = [];
  for (const [name, check] of Object.entries(CHECKS)) {
    try {
      const problems = await check(tw, gpu, rand);
      results.push({ name, ok: problems.length === 0, detail: problems.join('; ') || 'matches the CPU reference' });
    } catch (e) {
      results.push({ name, ok: false, detail: `threw: ${(e as Error).message}` });
    }
  }
  return results;
}
