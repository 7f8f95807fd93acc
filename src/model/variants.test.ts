/**
 * The projection and kernel baselines (Linformer, Performer, linear attention) on the CPU
 * backend: parameter and state names and shapes of the contract, padding that cannot reach a
 * valid output, Linformer's fixed length, the random features (orthogonal blocks, not trained,
 * deterministic redraw), the softmax-kernel Performer approaching exact softmax attention as the
 * number of features grows, and the views.
 */
import { describe, expect, it } from 'vitest';
import { AdamW, CpuBackend, backward, div, intTensor, matmul, noGrad, scale, scope, sum, tensor, zeros, type Backend } from '../engine';
import { performerFeatureMap } from './attention/performer';
import { orthogonalGaussianFeatures, redrawSeed } from './attention/performerFeatures';
import { exactAttention } from './attention/softmax';
import type { ModelConfig } from '../config';
import { Initialiser } from './init';
import { buildModel, type Model } from './model';
import { tinyConfig } from './testing/configs';
import { randomWeights } from './testing/parity';
import { approximationError } from './views';

const be = new CpuBackend('f32');
const VARIANTS: [string, ModelConfig][] = [
  ['linformer shared', tinyConfig('linformer', { linformerK: 6 })],
  ['linformer per-layer', tinyConfig('linformer', { linformerK: 6, linformerSharing: 'per-layer' })],
  ['performer relu', tinyConfig('performer', { performerFeatures: 12 })],
  ['performer softmax', tinyConfig('performer', { performerFeatures: 12, performerKernel: 'softmax' })],
  ['linear', tinyConfig('linear')],
];

function randomModel(c: ModelConfig, seed = 5): Model {
  const m = buildModel(be, c, 0);
  for (const [name, w] of randomWeights(
    m.params.entries().map(([k, t]) => [k, t.shape]),
    seed,
  ))
    m.params.load(name, w.data);
  return m;
}

async function logits(m: Model, backend: Backend, tokens: number[], mask: number[], rows: number): Promise<Float32Array> {
  const n = tokens.length / rows;
  const out = noGrad(() =>
    scope(
      () => m.forward({ tokens: intTensor(backend, tokens, [rows, n]), mask: tensor(backend, mask, [rows, n]) }, { train: false }).logits,
    ),
  );
  const data = (await out.read()) as Float32Array;
  out.dispose();
  return data;
}

describe('parameter and state names (docs/model-contract.md)', () => {
  it('Linformer: one root linformer_e [H, k, n] when shared, one per layer otherwise; no other extra tensors', () => {
    const shared = buildModel(be, VARIANTS[0][1], 0).params;
    expect(shared.get('linformer_e').shape).toEqual([2, 6, 16]);
    expect(shared.names().filter((k) => k.includes('linformer_e'))).toEqual(['linformer_e']);
    const perLayer = buildModel(be, VARIANTS[1][1], 0).params;
    expect(perLayer.names().filter((k) => k.includes('linformer_e'))).toEqual(['layers.0.attn.linformer_e', 'layers.1.attn.linformer_e']);
    expect(perLayer.get('layers.1.attn.linformer_e').shape).toEqual([2, 6, 16]);
    const softmax = buildModel(be, tinyConfig('softmax'), 0).params.names();
    expect(shared.names().filter((k) => !softmax.includes(k))).toEqual(['linformer_e']);
    expect(buildModel(be, tinyConfig('linear'), 0).params.names()).toEqual(softmax);
  });

  it('Performer: layers.i.attn.features [F, d_h] is state: named and loadable, but not trainable (no gradient, no optimizer step)', async () => {
    const m = randomModel(VARIANTS[2][1]);
    const p = m.params;
    expect(p.get('layers.0.attn.features').shape).toEqual([12, 8]);
    expect(p.isState('layers.1.attn.features')).toBe(true);
    expect(p.params().some((t) => t.name.endsWith('features'))).toBe(false);
    expect(p.count()).toBe(buildModel(be, tinyConfig('softmax'), 0).params.count());
    const before = await p.get('layers.0.attn.features').read();
    const opt = new AdamW(p.params(), { lr: 0.1, weightDecay: 0.5 });
    scope(() => {
      const r = m.forward(
        {
          tokens: intTensor(be, [1, 2, 3, 4, 5, 6, 7, 8, 9, 1, 2, 3, 4, 5, 0, 0], [1, 16]),
          mask: tensor(be, [...Array(14).fill(1), 0, 0], [1, 16]),
          labels: intTensor(be, [1], [1]),
        },
        { train: false },
      );
      backward(r.loss!);
      opt.step({ lr: 0.1 });
    });
    expect(p.get('layers.0.attn.features').grad).toBeNull();
    expect(p.get('layers.0.attn.q.weight').grad).not.toBeNull();
    expect(Array.from(await p.get('layers.0.attn.features').read())).toEqual(Array.from(before));
  });
});

describe('padding', () => {
  for (const [name, c] of VARIANTS) {
    it(`${name}: padded tokens do not change the valid outputs, the valid ones do`, async () => {
      const m = randomModel(c);
      const mask = [...Array(11).fill(1), ...Array(5).fill(0), ...Array(16).fill(1)];
      const base = [3, 7, 1, 9, 4, 4, 2, 8, 10, 5, 6, 0, 0, 0, 0, 0, 2, 5, 9, 1, 1, 3, 7, 8, 4, 6, 10, 2, 3, 5, 7, 9];
      const paddedChanged = base.map((t, i) => (mask[i] === 0 ? 1 + (i % 10) : t));
      const validChanged = base.map((t, i) => (i === 3 ? 5 : t));
      const [a, b, v] = [
        await logits(m, be, base, mask, 2),
        await logits(m, be, paddedChanged, mask, 2),
        await logits(m, be, validChanged, mask, 2),
      ];
      for (let i = 0; i < a.length; i++) expect(b[i]).toBeCloseTo(a[i], 5);
      expect(Math.max(...Array.from(a.subarray(0, 3), (x, i) => Math.abs(x - v[i])))).toBeGreaterThan(1e-4);
    });
  }

  it('Linformer refuses an input shorter than seqLen, naming the fixed length', () => {
    const m = randomModel(VARIANTS[0][1]);
    expect(() =>
      noGrad(() =>
        scope(() =>
          m.forward({ tokens: intTensor(be, Array(12).fill(1), [1, 12]), mask: tensor(be, Array(12).fill(1), [1, 12]) }, { train: false }),
        ),
      ),
    ).toThrow(
      "tokens has length 12, but Linformer's E has one column per position of seqLen 16: pad every input to exactly 16 tokens (the length of a Linformer model is fixed)",
    );
  });

  it('Performer and linear attention accept any length up to seqLen', async () => {
    for (const c of [VARIANTS[3][1], VARIANTS[4][1]])
      expect((await logits(randomModel(c), be, [1, 2, 3, 4, 5, 6, 7, 0], [1, 1, 1, 1, 1, 1, 1, 0], 1)).length).toBe(3);
  });
});

describe('Performer random features', () => {
  it('blocks of d_h rows are orthogonal, rows are rescaled by chi-distributed norms, the last block is cut', () => {
    const dh = 8;
    const w = orthogonalGaussianFeatures(new Initialiser(3), 20, dh);
    expect(w.length).toBe(20 * dh);
    const row = (i: number) => w.subarray(i * dh, (i + 1) * dh);
    const dot = (a: Float64Array, b: Float64Array) => a.reduce((s, x, i) => s + x * b[i], 0);
    for (const [start, count] of [
      [0, 8],
      [8, 8],
      [16, 4],
    ]) {
      for (let i = start; i < start + count; i++) for (let j = start; j < i; j++) expect(Math.abs(dot(row(i), row(j)))).toBeLessThan(1e-9);
    }
    // Rows of different blocks are not orthogonal in general.
    expect(Math.abs(dot(row(0), row(8)))).toBeGreaterThan(1e-6);
    const norms = Array.from({ length: 20 }, (_, i) => Math.sqrt(dot(row(i), row(i))));
    expect(new Set(norms.map((x) => x.toFixed(6))).size).toBe(20); // not all 1: rescaled
    const meanSquare = norms.reduce((s, x) => s + x * x, 0) / 20;
    expect(meanSquare).toBeGreaterThan(4); // E‖g‖² = d_h = 8 for g ~ N(0, I_8)
    expect(meanSquare).toBeLessThan(14);
  });

  it('redraw is deterministic in (initSeed, step), changes the outputs, and leaves the trainable weights alone', async () => {
    const c = VARIANTS[3][1];
    const tokens = [3, 7, 1, 9, 4, 4, 2, 8, 10, 5, 6, 1, 3, 2, 0, 0];
    const mask = tokens.map((t) => (t ? 1 : 0));
    const [a, b] = [randomModel(c), randomModel(c)];
    const at0 = await logits(a, be, tokens, mask, 1);
    const q = await a.params.get('layers.0.attn.q.weight').read();
    const version = a.weightsVersion;
    a.redrawFeatures(7, 100);
    b.redrawFeatures(7, 100);
    expect(a.weightsVersion).toBe(version + 1);
    const [fa, fb] = [await a.params.get('layers.1.attn.features').read(), await b.params.get('layers.1.attn.features').read()];
    expect(Array.from(fa)).toEqual(Array.from(fb));
    expect(Array.from(await a.params.get('layers.0.attn.q.weight').read())).toEqual(Array.from(q));
    expect(Array.from(await a.params.get('layers.0.attn.features').read())).not.toEqual(Array.from(fa)); // layers differ
    const after = await logits(a, be, tokens, mask, 1);
    expect(Math.max(...Array.from(after, (x, i) => Math.abs(x - at0[i])))).toBeGreaterThan(1e-5);
    b.redrawFeatures(7, 200);
    expect(Array.from(await b.params.get('layers.1.attn.features').read())).not.toEqual(Array.from(fa));
    expect(new Set([redrawSeed(0, 1), redrawSeed(0, 2), redrawSeed(1, 1), redrawSeed(1, 2)]).size).toBe(4);
  });

  it('softmax kernel: the implied attention approaches exact softmax attention as the features grow (averaged over draws)', async () => {
    const errors = [];
    for (const features of [8, 64, 512]) errors.push(await softmaxKernelError(features, 6));
    // Monte-Carlo error falls like 1/√F: 8× the features should cut it to about 0.35×.
    // Measured: 0.42, 0.15, 0.064 (and 0.023 at 4096). With Q, K of std 1 the estimator's
    // variance (∝ exp(‖q‖² + ‖k‖²)) is far larger: 1.04, 0.68, 0.48, 0.36.
    expect(errors[1], errors.join(', ')).toBeLessThan(0.6 * errors[0]);
    expect(errors[2], errors.join(', ')).toBeLessThan(0.6 * errors[1]);
    expect(errors[2]).toBeLessThan(0.1);
  });
});

describe('views', () => {
  const TOKENS = [3, 7, 1, 9, 4, 4, 2, 8, 10, 5, 6, 1, 3, 2, 0, 0]; // 14 valid, 2 padding
  const rowSums = (x: { rows: number; cols: number; data: Float32Array }) =>
    Array.from({ length: x.rows }, (_, i) => x.data.subarray(i * x.cols, (i + 1) * x.cols).reduce((a, b) => a + b, 0));

  it('Linformer: E per head [k, n] equals the parameter, the n×k attention is stochastic, the projected keys get a k×k cosine', async () => {
    const m = randomModel(VARIANTS[1][1]);
    const v = await m.views({ tokens: TOKENS });
    const e1 = await m.params.get('layers.1.attn.linformer_e').read();
    for (const [l, layer] of v.layers.entries()) {
      for (const [h, head] of layer.heads.entries()) {
        expect([
          head.E!.rows,
          head.E!.cols,
          head.projectedAttention!.rows,
          head.projectedAttention!.cols,
          head.kLandmarks!.rows,
          head.kLandmarks!.cols,
        ]).toEqual([6, 16, 16, 6, 6, 8]);
        for (const s of rowSums(head.projectedAttention!)) expect(s).toBeCloseTo(1, 5);
        expect(head.kCosine!.rows).toBe(6);
        for (let i = 0; i < 6; i++) expect(head.kCosine!.data[i * 7]).toBeCloseTo(1, 5);
        expect(head.kMeanOffDiagonal).toBeGreaterThan(-1);
        if (l === 1) expect(Array.from(head.E!.data)).toEqual(Array.from(e1.subarray(h * 96, (h + 1) * 96)));
        expect(head.exact!.rows).toBe(16);
        expect(head.approximation).toBeUndefined();
      }
    }
    // The views did not free the weights they showed.
    expect(m.params.get('layers.1.attn.linformer_e').disposed).toBe(false);
  });

  for (const [name, c] of [VARIANTS[3], VARIANTS[4]]) {
    it(`${name}: the implied n×n attention is stochastic, shown beside the exact softmax with its error`, async () => {
      const v = await randomModel(c).views({ tokens: TOKENS });
      for (const layer of v.layers)
        for (const head of layer.heads) {
          expect([head.approximation!.rows, head.approximation!.cols, head.exact!.rows]).toEqual([16, 16, 16]);
          for (const s of rowSums(head.approximation!)) expect(s).toBeCloseTo(1, 5);
          expect(head.error).toEqual(approximationError(head.approximation!.data, head.exact!.data));
          expect(head.error!.relativeFrobenius).toBeGreaterThan(0);
          // Exact softmax gives padded keys nothing; linear attention masks φ(k) too, while the
          // Performer keeps φ(0) of padded keys in D (as the reference), so they get weight there.
          const padded = Array.from(
            { length: 16 },
            (_, i) => head.approximation!.data[i * 16 + 14] + head.approximation!.data[i * 16 + 15],
          );
          if (c.attention === 'linear') expect(Math.max(...padded)).toBe(0);
          else expect(Math.min(...padded)).toBeGreaterThan(0);
        }
    });
  }
});

/**
 * Mean over `draws` feature draws of ‖A_F − A‖_F / ‖A‖_F, where A is the exact softmax(QKᵀ/√d_h)
 * of fixed Gaussian Q, K [32, 8] (std 0.5) and A_F the rows of φ(q)φ(k)ᵀ normalised (the Performer's
 * implied attention, q = Q/d_h^¼ as in the module), on the f64 CPU backend.
 */
async function softmaxKernelError(features: number, draws: number): Promise<number> {
  const [n, dh] = [32, 8];
  const f64 = new CpuBackend('f64');
  const gaussian = new Initialiser(11);
  const qValues = gaussian.normal(n * dh, 0.5);
  const kValues = gaussian.normal(n * dh, 0.5);
  let total = 0;
  for (let d = 0; d < draws; d++) {
    const [exact, approx] = noGrad(() =>
      scope(() => {
        const q = tensor(f64, qValues, [1, 1, n, dh]);
        const k = tensor(f64, kValues, [1, 1, n, dh]);
        const w = tensor(f64, orthogonalGaussianFeatures(new Initialiser(1000 + d), features, dh), [features, dh]);
        const c = dh ** -0.25;
        const qf = performerFeatureMap(scale(q, c), w, 'softmax', true);
        const kf = performerFeatureMap(scale(k, c), w, 'softmax', false);
        const scores = matmul(qf, kf, { transB: true });
        return [exactAttention(q, k, zeros(f64, [1, 1, 1, n])), div(scores, sum(scores, -1, { keepDim: true }))];
      }),
    );
    total += approximationError(Float32Array.from(await approx.read()), Float32Array.from(await exact.read())).relativeFrobenius;
  }
  return total / draws;
}
