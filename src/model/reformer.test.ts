/**
 * Reformer on the CPU backend: the layer against a plain-loop reference (src/model/testing/
 * reformerReference.ts) with several rounds and chunks and padding; with one chunk covering the
 * sequence, exact softmax attention with the self-mask (a second, sort-free reference); gradients
 * by central differences; rotations redrawn per training forward and fixed in evaluation; the
 * rotations as loadable state; memory linear in n at a fixed chunk length.
 */
import { describe, expect, it } from 'vitest';
import { CpuBackend, DropoutStream, ParameterStore, backward, intTensor, mul, noGrad, scope, sumAll, tensor, type Tensor } from '../engine';
import type { HotSettings } from './types';
import { towerMask } from './attention/masking';
import { ReformerAttention } from './attention/reformer';
import { reformerBuckets } from './attention/reformerHash';
import { DropoutPlan } from './dropout';
import { Initialiser } from './init';
import { buildModel } from './model';
import { tinyConfig } from './testing/configs';
import { randomWeights } from './testing/parity';
import { reformerReference } from './testing/reformerReference';
import { lshImpliedAttention } from './reformerViews';
import { uniformStream } from '../engine/cpu/random';
import { parameterShapes } from '../io/onnx/config';

const be = new CpuBackend('f64');
const [B, D, H] = [2, 8, 2];
const HOT = { attentionDropout: 0 } as HotSettings;

function setup(n: number, rounds: number, chunk: number, seed = 1) {
  const store = new ParameterStore(be);
  const attn = new ReformerAttention(store.under('attn'), D, H, n, rounds, chunk, HOT, new Initialiser(seed));
  const rand = uniformStream(seed + 10);
  const x = Array.from({ length: B * n * D }, () => 2 * rand() - 1);
  const mask = Array.from({ length: B * n }, (_, i) => (i >= 2 * n - 3 ? 0 : 1)); // the second sample ends in padding
  return { store, attn, x, mask };
}

function ctx(mask: number[], n: number, plan = new DropoutPlan(null, null)) {
  return { plan, prefix: 'attn.', mask: towerMask(tensor(be, mask, [B, n])), wantViews: false, cacheable: false, weightsVersion: 0 };
}

async function weightsOf(store: ParameterStore) {
  const w: Record<string, Float64Array> = {};
  for (const [name, t] of store.entries()) w[name.replace(/^attn\./, '')] = Float64Array.from(await t.read());
  return w;
}

async function run(s: ReturnType<typeof setup>, n: number, plan?: DropoutPlan): Promise<Float64Array> {
  const out = noGrad(() => scope(() => s.attn.forward(tensor(be, s.x, [B, n, D]), ctx(s.mask, n, plan)).out));
  const data = Float64Array.from(await out.read());
  out.dispose();
  return data;
}

const maxDiff = (a: ArrayLike<number>, b: ArrayLike<number>) => Math.max(...Array.from(a, (x, i) => Math.abs(x - b[i])));

describe('Reformer LSH attention', () => {
  it('buckets: the largest power of 2 not above 2n/chunk (Hugging Face’s rule)', () => {
    expect([
      reformerBuckets(1024, 64),
      reformerBuckets(4096, 64),
      reformerBuckets(64, 64),
      reformerBuckets(196, 14),
      reformerBuckets(16, 4),
    ]).toEqual([32, 128, 2, 16, 8]);
  });

  for (const [rounds, chunk] of [
    [2, 4],
    [3, 2],
    [1, 8],
    [2, 16],
  ])
    it(`equals the plain-loop reference (${rounds} rounds, chunks of ${chunk}, n 16, padding)`, async () => {
      const n = 16;
      const s = setup(n, rounds, chunk);
      const w = await weightsOf(s.store);
      const want = reformerReference({
        x: s.x,
        mask: s.mask,
        batch: B,
        n,
        d: D,
        heads: H,
        rounds,
        chunk,
        weights: w as never,
        rotations: w.rotations,
        half: s.attn.rotations.shape[2] / rounds,
      });
      expect(maxDiff(await run(s, n), want)).toBeLessThan(1e-10);
    });

  it('with one chunk covering the sequence it is exact softmax attention with the self-mask (1 and 2 rounds)', async () => {
    const n = 12;
    for (const rounds of [1, 2]) {
      const s = setup(n, rounds, n, 4);
      const w = await weightsOf(s.store);
      // Sort-free reference: every query against every key, its own score −1e5, padded keys −1e9.
      const dh = D / H;
      const lin = (name: string, b: number, i: number) =>
        Array.from(
          { length: D },
          (_, o) =>
            w[`${name}.bias`][o] +
            Array.from({ length: D }, (_, k) => s.x[(b * n + i) * D + k] * w[`${name}.weight`][o * D + k]).reduce((p, q) => p + q, 0),
        );
      const want: number[] = [];
      for (let b = 0; b < B; b++) {
        const qk = Array.from({ length: n }, (_, i) => lin('qk', b, i));
        const v = Array.from({ length: n }, (_, i) => lin('v', b, i));
        for (let i = 0; i < n; i++) {
          const merged: number[] = [];
          for (let h = 0; h < H; h++) {
            const q = qk[i].slice(h * dh, (h + 1) * dh);
            const scores = qk.map((kRow, j) => {
              const k = kRow.slice(h * dh, (h + 1) * dh);
              const norm = Math.sqrt(k.reduce((p, y) => p + y * y, 0) / dh + 1e-6) * Math.sqrt(dh);
              if (j === i) return -1e5;
              if (s.mask[b * n + j] === 0) return -1e9;
              return q.reduce((p, y, c) => p + (y * k[c]) / norm, 0);
            });
            const m = Math.max(...scores);
            const e = scores.map((x) => Math.exp(x - m));
            const z = e.reduce((p, q2) => p + q2, 0);
            for (let c = 0; c < dh; c++) merged.push(e.reduce((p, ej, j) => p + (ej / z) * v[j][h * dh + c], 0));
          }
          for (let o = 0; o < D; o++) want.push(w['out.bias'][o] + merged.reduce((p, y, k) => p + y * w['out.weight'][o * D + k], 0));
        }
      }
      expect(maxDiff(await run(s, n), want), `${rounds} rounds`).toBeLessThan(1e-10);
    }
  });

  it('padded tokens do not change the valid outputs (they hash last); a valid token does', async () => {
    const n = 16;
    const s = setup(n, 2, 4, 3);
    const base = await run(s, n);
    const valid = base.length / B; // the first sample has no padding
    const changed = s.x.slice();
    for (let i = 2 * n - 3; i < 2 * n; i++) for (let c = 0; c < D; c++) changed[i * D + c] = 5 * Math.sin(i + c); // padded rows
    const after = await run({ ...s, x: changed }, n);
    expect(maxDiff(after.subarray(valid, valid + (n - 3) * D), base.subarray(valid, valid + (n - 3) * D))).toBeLessThan(1e-12);
    changed[n * D + 1] += 1; // a valid token of the second sample
    const moved = await run({ ...s, x: changed }, n);
    expect(maxDiff(moved.subarray(valid, valid + (n - 3) * D), base.subarray(valid, valid + (n - 3) * D))).toBeGreaterThan(1e-4);
  });

  it('gradients of the input and the weights match central differences', async () => {
    const n = 8;
    const s = setup(n, 2, 2, 7);
    const rand = uniformStream(99);
    const g = Array.from({ length: B * n * D }, () => 2 * rand() - 1);
    const loss = (x: number[]): Tensor =>
      sumAll(mul(s.attn.forward(tensor(be, x, [B, n, D]), ctx(s.mask, n)).out, tensor(be, g, [B, n, D])));
    const xt = tensor(be, s.x, [B, n, D]);
    xt.requiresGrad = true;
    for (const p of s.store.params()) p.grad?.dispose();
    scope(() => backward(sumAll(mul(s.attn.forward(xt, ctx(s.mask, n)).out, tensor(be, g, [B, n, D])))));
    const dx = await xt.grad!.read();
    const eps = 1e-6;
    const value = async (x: number[]) => (await noGrad(() => loss(x)).read())[0];
    for (const i of [0, 5, 17, 40, 77, 100, 127]) {
      const [plus, minus] = [s.x.slice(), s.x.slice()];
      plus[i] += eps;
      minus[i] -= eps;
      const fd = ((await value(plus)) - (await value(minus))) / (2 * eps);
      expect(Math.abs(dx[i] - fd), `dx[${i}]`).toBeLessThan(1e-6 * Math.max(1, Math.abs(fd)));
    }
    const wq = s.store.get('attn.qk.weight');
    const dw = await wq.grad!.read();
    const base = Float64Array.from(await wq.read());
    for (const i of [0, 9, 33, 63]) {
      const at = async (delta: number) => {
        const w = base.slice();
        w[i] += delta;
        s.store.load('attn.qk.weight', w);
        return value(s.x);
      };
      const fd = ((await at(eps)) - (await at(-eps))) / (2 * eps);
      s.store.load('attn.qk.weight', base);
      expect(Math.abs(dw[i] - fd), `dW_qk[${i}]`).toBeLessThan(1e-6 * Math.max(1, Math.abs(fd)));
    }
  });

  it('training draws fresh rotations every forward; evaluation uses the stored ones, deterministically', async () => {
    const n = 16;
    const s = setup(n, 2, 4);
    const evalA = await run(s, n);
    const stream = new DropoutStream(5);
    const trainA = await run(s, n, new DropoutPlan(null, stream));
    const trainB = await run(s, n, new DropoutPlan(null, stream));
    expect(maxDiff(trainA, trainB)).toBeGreaterThan(1e-6);
    expect(maxDiff(await run(s, n, new DropoutPlan(null, new DropoutStream(5))), trainA)).toBe(0); // the seed reproduces it
    expect(maxDiff(await run(s, n), evalA)).toBe(0);
  });

  it('views: the implied n×n attention times V is the layer (2 rounds, chunks of 4, padding)', async () => {
    const n = 16;
    const s = setup(n, 2, 4, 6);
    const w = await weightsOf(s.store);
    const views = noGrad(() => scope(() => s.attn.forward(tensor(be, s.x, [B, n, D]), { ...ctx(s.mask, n), wantViews: true }).views!));
    const read = async (t: Tensor) => ({ shape: t.shape, data: Float32Array.from(await t.read()) });
    const [probs, tokens, lse] = [await read(views.lsh_probs!), await read(views.lsh_tokens!), await read(views.lsh_lse!)];
    const buckets = await views.lsh_buckets!.read();
    expect(views.lsh_buckets!.shape).toEqual([B, H, 2, n]);
    for (let t = n - 3; t < n; t++) expect(buckets[(1 * H * 2 + 0) * n + t]).toBe(8); // padded tokens: the padding bucket (8 buckets)
    const out = await run(s, n);
    const dh = D / H;
    for (let b = 0; b < B; b++) {
      const v = Array.from({ length: n }, (_, i) =>
        Array.from(
          { length: D },
          (_, o) =>
            w['v.bias'][o] +
            Array.from({ length: D }, (_, k) => s.x[(b * n + i) * D + k] * w['v.weight'][o * D + k]).reduce((p, q) => p + q, 0),
        ),
      );
      const merged = Array.from({ length: n }, () => new Array(D).fill(0));
      for (let h = 0; h < H; h++) {
        const a = lshImpliedAttention(probs, tokens, lse, b * H + h, { n, rounds: 2, chunk: 4 });
        for (let i = 0; i < n; i++) {
          const row = Array.from(a.data.subarray(i * n, (i + 1) * n));
          if (s.mask[b * n + i]) expect(Math.abs(row.reduce((p, q) => p + q, 0) - 1)).toBeLessThan(1e-6);
          for (let j = 0; j < n; j++) if (s.mask[b * n + j] === 0) expect(row[j]).toBeLessThan(1e-12);
          for (let c = 0; c < dh; c++) merged[i][h * dh + c] = row.reduce((p, aij, j) => p + aij * v[j][h * dh + c], 0);
        }
      }
      for (let i = 0; i < n; i++)
        for (let o = 0; o < D; o++) {
          const want = w['out.bias'][o] + merged[i].reduce((p, y, k) => p + y * w['out.weight'][o * D + k], 0);
          expect(Math.abs(out[(b * n + i) * D + o] - want)).toBeLessThan(1e-5);
        }
    }
  });

  it('model views: bucket strip, chunked attention, and with one chunk covering the sequence the implied attention is the exact one', async () => {
    const tokens = [3, 7, 1, 9, 4, 4, 2, 8, 10, 5, 6, 1, 3, 0, 0, 0];
    const sparse = buildModel(be, tinyConfig('reformer', { reformerChunk: 4 }), 2);
    const head = (await sparse.views({ tokens })).layers[0].heads[1];
    expect([head.lshBuckets!.rows, head.lshBuckets!.cols, head.lshChunks!.rows, head.lshChunks!.cols]).toEqual([2, 16, 32, 8]);
    expect(head.error!.relativeFrobenius).toBeGreaterThan(1e-3); // chunks of 4: an approximation
    const whole = buildModel(be, tinyConfig('reformer', { reformerChunk: 16, reformerHashes: 1 }), 2);
    for (const h of (await whole.views({ tokens })).layers[1].heads) {
      expect(h.error!.maxAbs).toBeLessThan(1e-9);
      expect(h.exact!.data[5 * 16 + 5]).toBeLessThan(1e-9); // the self-mask, in both
    }
  });

  it('rotations are state: not trained, drawn from the seed, and a loaded draw changes the outputs', async () => {
    const c = tinyConfig('reformer', { reformerChunk: 4 });
    const m = buildModel(be, c, 0);
    const name = 'layers.0.attn.rotations';
    expect(m.params.isState(name)).toBe(true);
    expect(m.params.get(name).shape).toEqual([2, 8, 2 * 4]); // H, d_h, rounds · buckets/2 (8 buckets)
    expect(m.params.params().some((t) => t.name.endsWith('rotations'))).toBe(false);
    expect(m.params.names().some((x) => x.endsWith('attn.k.weight'))).toBe(false); // shared query-key
    // The exporter's and the bundles' list of names and shapes is the model's own.
    expect(new Map(m.params.entries().map(([k, t]) => [k, [...t.shape]]))).toEqual(parameterShapes(c));
    const other = buildModel(be, c, 1);
    const theirs = await other.params.get(name).read();
    expect(Array.from(await m.params.get(name).read())).not.toEqual(Array.from(theirs));
    const tokens = Array.from({ length: 16 }, (_, i) => 1 + (i % 10));
    const logits = async () =>
      Float64Array.from(
        await noGrad(() =>
          scope(
            () =>
              m.forward({ tokens: intTensor(be, tokens, [1, 16]), mask: tensor(be, Array(16).fill(1), [1, 16]) }, { train: false }).logits,
          ),
        ).read(),
      );
    const before = await logits();
    m.params.load(name, theirs);
    expect(maxDiff(await logits(), before)).toBeGreaterThan(1e-9);
  });

  it('memory grows linearly in n at a fixed chunk length (pool peak of a training step)', async () => {
    const peaks: number[] = [];
    for (const n of [64, 128, 256]) {
      const backend = new CpuBackend('f32');
      const c = tinyConfig('reformer', { seqLen: n, reformerChunk: 8, layers: 1, dropout: 0, attentionDropout: 0 });
      const m = buildModel(backend, c, 3);
      for (const [name, w] of randomWeights(
        m.params.entries().map(([k, t]) => [k, t.shape]),
        5,
      ))
        if (!m.params.isState(name)) m.params.load(name, w.data);
      const weights = backend.memory().allocated;
      const tokens = Array.from({ length: 2 * n }, (_, i) => 1 + (i % 10));
      scope(() => {
        const r = m.forward(
          {
            tokens: intTensor(backend, tokens, [2, n]),
            mask: tensor(backend, Array(2 * n).fill(1), [2, n]),
            labels: intTensor(backend, [0, 1], [2]),
          },
          { train: true, dropoutSeed: 0 },
        );
        backward(r.loss!);
        return r.loss!;
      }).dispose();
      peaks.push(backend.memory().peak - weights);
    }
    // Doubling n doubles the activations (the rotations grow too: twice the buckets).
    expect(peaks[1] / peaks[0]).toBeLessThan(2.3);
    expect(peaks[2] / peaks[1]).toBeLessThan(2.3);
    expect(peaks[1] / peaks[0]).toBeGreaterThan(1.7);
  });
});
