/**
 * Node-only parity helpers: seeded weights, batches and explicit dropout masks under the
 * contract's names, the TypeScript model's outputs and gradients, the PyTorch reference
 * (`python -m proxyformer.parity`'s `run`, float64, one process for many case folders), and the
 * comparison. See parity.test.ts for the tolerances and why.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { backward, intTensor, noGrad, scope, tensor, type Backend, type Tensor as EngineTensor } from '../../engine';
import { readSafetensors, writeSafetensors, type Tensor } from '../../io/safetensors';
import type { ModelConfig } from '../../config';
import { drawRandomBlocks, slotCount } from '../attention/bigbirdBlocks';
import { orthogonalGaussianFeatures } from '../attention/performerFeatures';
import { Initialiser } from '../init';
import { buildModel, type BuildOptions, type Model } from '../model';
import type { HeadViews, Matrix, ModelViews } from '../views';
import { uniformStream } from '../../engine/cpu/random';
import { randomBatch as contractBatch, randomWeights as contractWeights } from '../../io/testing/random';

const PYTHON = '/usr/bin/python3';

/** Host-side arrays of one case: the batch (and explicit masks) and the weights by name. */
export interface CaseData {
  config: ModelConfig;
  weights: Map<string, { shape: number[]; data: Float32Array }>;
  batch: Record<string, Tensor>;
  masks: Map<string, { shape: number[]; data: Float32Array }>;
}

/** What a run returns, by the reference's output names (logits, losses, grad.<param>). */
export type Outputs = Map<string, { shape: number[]; data: Float64Array | Float32Array }>;

/** Random weights by name (src/io/testing/random.ts `randomWeights`) with their shapes. */
export function randomWeights(shapes: [string, readonly number[]][], seed: number): CaseData['weights'] {
  const data = contractWeights(shapes, seed);
  // Performer's random features: a real FAVOR+ draw (uniform values would make φ nearly constant).
  const features = new Initialiser(seed);
  return new Map(
    shapes.map(([name, shape]) => [
      name,
      {
        shape: [...shape],
        data: name.endsWith('attn.features')
          ? Float32Array.from(orthogonalGaussianFeatures(features, shape[0], shape[1]))
          : name.endsWith('attn.random_blocks')
            ? randomBlocksFor(features, shape)
            : data.get(name)!,
      },
    ]),
  );
}

/** BigBird's random blocks for a state of shape [max(nb − 2, 1), max(r, 1)]: a valid draw (uniform values are no block ids). */
function randomBlocksFor(init: Initialiser, shape: readonly number[]): Float32Array {
  const [rows, r] = shape;
  const draw = drawRandomBlocks(init, rows + 2, r);
  // nb ≤ 2 (one row of −1s) and r = 0 store −1s; a draw for nb = 3 is all −1 too.
  return draw.length === rows * r ? draw : new Float32Array(rows * r).fill(-1);
}

/** A padded batch (src/io/testing/random.ts `randomBatch`) as named safetensors tensors. */
export function randomBatch(c: ModelConfig, n: number, lengths: number[], seed: number): Record<string, Tensor> {
  const r = contractBatch(c, n, lengths, seed);
  const b = lengths.length;
  const out: Record<string, Tensor> = {
    tokens: { dtype: 'I32', shape: [b, n], data: r.tokens },
    mask: { dtype: 'F32', shape: [b, n], data: r.mask },
    labels: { dtype: 'I32', shape: [b], data: r.labels },
  };
  if (r.tokens2 && r.mask2) {
    out.tokens2 = { dtype: 'I32', shape: [b, n], data: r.tokens2 };
    out.mask2 = { dtype: 'F32', shape: [b, n], data: r.mask2 };
  }
  return out;
}

/** The shape of each explicit mask name (docs/model-contract.md "Explicit masks"). */
function maskShape(c: ModelConfig, name: string, b: number, n: number): number[] {
  const base = name.replace(/@2$/, '');
  if (base.endsWith('attn.columns')) return [b, c.heads, c.landmarks];
  if (c.attention === 'bigbird') {
    // Global rows [B, H, g, n] (g = 2 blocks, or n when one or two blocks cover n); sparse rows per block.
    const [blk, nb] = [c.bigbirdBlock, n / c.bigbirdBlock];
    if (base.endsWith('attn.dropout')) return [b, c.heads, nb <= 2 ? n : 2 * blk, n];
    if (base.endsWith('attn.dropout_blocks')) return [b * c.heads, nb - 2, blk, slotCount(c.bigbirdRandom) * blk];
  }
  if (c.attention === 'reformer' && base.endsWith('attn.dropout')) {
    // The chunked probabilities [B·H, rounds·n/c, c, keys per chunk] (2c, or c with one chunk in all).
    const chunks = (c.reformerHashes * n) / c.reformerChunk;
    return [b * c.heads, chunks, c.reformerChunk, chunks === 1 ? c.reformerChunk : 2 * c.reformerChunk];
  }
  if (base.endsWith('attn.dropout')) return [b, c.heads, n, n];
  if (base.endsWith('ffn.dropout1')) return [b, n, c.ffn];
  return [b, n, c.dModel];
}

/** Seeded masks for `names`: elementwise 0 or 1/(1−p) (p = 0.25), columns 0/1 with p = 0.25. */
export function randomMasks(c: ModelConfig, names: string[], b: number, n: number, seed: number): CaseData['masks'] {
  const next = uniformStream(seed);
  const p = 0.25;
  const out: CaseData['masks'] = new Map();
  for (const name of names) {
    const shape = maskShape(c, name, b, n);
    const keep = name.replace(/@2$/, '').endsWith('columns') ? 1 : 1 / (1 - p);
    out.set(name, { shape, data: Float32Array.from({ length: shape.reduce((x, y) => x * y, 1) }, () => (next() >= p ? keep : 0)) });
  }
  return out;
}

/** Forward (explicit masks) and backward of `loss` on `backend`: logits, losses, every parameter's gradient. */
export async function runTypeScript(backend: Backend, data: CaseData, options: BuildOptions & { views?: boolean } = {}): Promise<Outputs> {
  const model = buildModel(backend, data.config, 0, options);
  try {
    for (const [name, w] of data.weights) model.params.load(name, w.data);
    const result = scope(() => {
      const t = (name: string) => {
        const x = data.batch[name];
        return x ? (x.dtype === 'I32' ? intTensor(backend, x.data, x.shape) : tensor(backend, x.data, x.shape)) : undefined;
      };
      const masks = new Map<string, EngineTensor>([...data.masks].map(([k, m]) => [k, tensor(backend, m.data, m.shape)]));
      const batch = { tokens: t('tokens')!, mask: t('mask')!, labels: t('labels'), tokens2: t('tokens2'), mask2: t('mask2') };
      const r = model.forward(batch, { train: true, masks });
      backward(r.loss!);
      return { logits: r.logits, task_loss: r.taskLoss!, contrastive_loss: r.contrastiveLoss, loss: r.loss! };
    });
    const out: Outputs = new Map();
    for (const [name, x] of Object.entries(result)) {
      out.set(name, { shape: [...x.shape], data: (await x.read()) as Float32Array });
      x.dispose();
    }
    for (const [name, p] of model.params.entries()) {
      if (model.params.isState(name)) continue; // Performer's features: no gradient on either side
      const g = p.grad ? ((await p.grad.read()) as Float32Array) : new Float32Array(p.size);
      out.set(`grad.${name}`, { shape: [...p.shape], data: g });
    }
    if (options.views) {
      addViews(out, await model.views(firstExample(data.batch)));
      await addFeatureViews(out, model, firstExample(data.batch));
    }
    return out;
  } finally {
    noGrad(() => model.dispose());
  }
}

/** Row 0 of the batch's first tower. */
function firstExample(batch: Record<string, Tensor>): { tokens: ArrayLike<number>; mask: ArrayLike<number> } {
  const n = batch.tokens.shape[1];
  return { tokens: batch.tokens.data.subarray(0, n), mask: batch.mask.data.subarray(0, n) };
}

/**
 * Performer and linear attention: φ(q), φ(k) as the layers use them (`view.layers.<i>.Q_features`,
 * `K_features`, [1, H, n, F]); the reference writes these, the implied n×n matrix is computed
 * from them on both sides.
 */
async function addFeatureViews(out: Outputs, model: Model, example: { tokens: ArrayLike<number>; mask: ArrayLike<number> }): Promise<void> {
  const be = model.params.backend;
  const n = example.tokens.length;
  const layers = noGrad(() =>
    scope(() =>
      model
        .encodeForViews(intTensor(be, example.tokens, [1, n]), tensor(be, example.mask, [1, n]))
        .map((v) => ({ Q_features: v.Q_features, K_features: v.K_features })),
    ),
  );
  for (const [i, layer] of layers.entries()) {
    for (const [name, t] of Object.entries(layer)) {
      if (!t) continue;
      out.set(`view.layers.${i}.${name}`, { shape: [...t.shape], data: Float32Array.from(await t.read()) });
      t.dispose();
    }
  }
}

/** The views under the reference's names `view.layers.<i>.<name>`, heads stacked as [1, H, rows, cols]. */
const VIEW_NAMES: [keyof HeadViews, string][] = [
  ['K1', 'K1'],
  ['K2', 'K2'],
  ['Z', 'Z'],
  ['K3', 'K3'],
  ['qLandmarks', 'Q_landmarks'],
  ['kLandmarks', 'K_landmarks'],
  ['attention', 'attention'],
  ['E', 'E'],
  ['projectedAttention', 'attention_projected'],
  ['blockPattern', 'block_pattern'],
  ['lshBuckets', 'lsh_buckets'],
];
function addViews(out: Outputs, views: ModelViews): void {
  views.layers.forEach((layer, i) => {
    for (const [ours, theirs] of VIEW_NAMES) {
      const mats = layer.heads.map((h) => h[ours] as Matrix | undefined);
      if (mats.some((x) => !x)) continue;
      const [rows, cols] = [mats[0]!.rows, mats[0]!.cols];
      const data = new Float32Array(mats.length * rows * cols);
      for (const [h, x] of mats.entries()) data.set(x!.data, h * rows * cols);
      out.set(`view.layers.${i}.${theirs}`, { shape: [1, mats.length, rows, cols], data });
    }
    // BigBird and Reformer: the implied n×n attention (the rows they computed, put back in place).
    if (layer.heads.every((h) => (h.blockPattern || h.lshBuckets) && h.approximation)) {
      const n = layer.heads[0].approximation!.rows;
      const data = new Float32Array(layer.heads.length * n * n);
      for (const [h, head] of layer.heads.entries()) data.set(head.approximation!.data, h * n * n);
      out.set(`view.layers.${i}.attention_implied`, { shape: [1, layer.heads.length, n, n], data });
    }
    const residuals = layer.heads.map((h) => h.pinvResiduals);
    if (residuals.every((r) => r)) {
      const count = residuals[0]!.length;
      const data = new Float32Array(residuals.length * count);
      for (const [h, r] of residuals.entries()) data.set(r!, h * count);
      out.set(`view.layers.${i}.pinv_residuals`, { shape: [1, residuals.length, count], data });
    }
  });
}

/** Write config.json, weights.safetensors and batch.safetensors (masks as `mask.<name>`) into `dir`. */
export function writeCase(dir: string, data: CaseData): void {
  writeFileSync(join(dir, 'config.json'), JSON.stringify(data.config));
  const weights: Record<string, Tensor> = {};
  for (const [name, w] of data.weights) weights[name] = { dtype: 'F32', shape: w.shape, data: w.data };
  writeFileSync(join(dir, 'weights.safetensors'), writeSafetensors(weights));
  const batch: Record<string, Tensor> = { ...data.batch };
  for (const [name, m] of data.masks) batch[`mask.${name}`] = { dtype: 'F32', shape: m.shape, data: m.data };
  writeFileSync(join(dir, 'batch.safetensors'), writeSafetensors(batch));
}

/**
 * The PyTorch reference on every folder in ONE process (torch's import dominates a parity
 * run): `proxyformer.parity.run(dir, views)` per folder, as the CLI does for one.
 */
export function runPython(dirs: string[], views = false): void {
  const code = 'import sys\nfrom proxyformer.parity import run\nfor d in sys.argv[2:]:\n    run(d, sys.argv[1] == "1")\n';
  execFileSync(PYTHON, ['-c', code, views ? '1' : '0', ...dirs], {
    env: { ...process.env, PYTHONPATH: 'python' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

/** The reference's out.safetensors of a folder. */
export function readOutputs(dir: string): Outputs {
  const out: Outputs = new Map();
  for (const [name, t] of readSafetensors(readFileSync(join(dir, 'out.safetensors'))).tensors)
    out.set(name, { shape: t.shape, data: t.data as Float64Array });
  return out;
}

/** max |a − b| / max(max |b|, floor): the error relative to the reference tensor's own scale. */
export function relativeError(a: ArrayLike<number>, b: ArrayLike<number>, floor = 1e-3): number {
  if (a.length !== b.length) return Infinity;
  let err = 0;
  let size = floor;
  for (let i = 0; i < a.length; i++) {
    err = Math.max(err, Math.abs(a[i] - b[i]));
    size = Math.max(size, Math.abs(b[i]));
  }
  return err / size;
}

/** Per output name, the relative error of ours against the reference; names missing on one side count as Infinity. */
export function compareOutputs(ours: Outputs, reference: Outputs, which: 'training' | 'views' = 'training'): Map<string, number> {
  const errors = new Map<string, number>();
  const wanted = (name: string) => name.startsWith('view.') === (which === 'views');
  for (const [name, ref] of reference) {
    if (!wanted(name) || name.endsWith('K2_dropped')) continue;
    const mine = ours.get(name);
    errors.set(name, mine && mine.shape.join() === ref.shape.join() ? relativeError(mine.data, ref.data) : Infinity);
  }
  for (const name of ours.keys()) if (wanted(name) && !reference.has(name)) errors.set(name, Infinity);
  return errors;
}

/** The parameter names and shapes a config builds (read from a model on the CPU backend). */
export function parameterShapes(c: ModelConfig, cpu: Backend): [string, readonly number[]][] {
  const model = buildModel(cpu, c, 0);
  const shapes = model.params.entries().map(([name, t]) => [name, t.shape] as [string, readonly number[]]);
  model.dispose();
  return shapes;
}
