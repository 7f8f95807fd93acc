/**
 * The scaling sweep (docs/gpu.md "Targets"; browser-safe: it receives a backend, never creates one): for every
 * attention variant of the schema (softmax, Nyströmformer, Proxyformer, Linformer, Performer,
 * linear attention) at the paper preset, over sequence lengths, the time
 * of a full training step (forward, backward, clipping, AdamW: the calls of `Trainer.trainStep`)
 * and of inference alone (noGrad forward), with the engine pool's peak memory per sequence.
 *
 * Timing is wall clock around one recorded step, and every sample ends with a read-back (the
 * loss for a training step, the logits for inference), so the GPU's work is inside it; the
 * read-back's own round trip is included too (≈ 2.6 ms on SwiftShader in Chromium, far less on a
 * real GPU). Warm-up steps first (pipelines compile, the pool fills), then the median of the
 * repeats with quartiles and min/max.
 */
import { AdamW, GradClipper, Tensor, backward, noGrad, scope, type Backend, type MemoryCategory } from '../engine';
import { uniformStream } from '../engine/cpu/random';
import { bufferLimit, defaultConfig, formatBytes, largestBuffer, type DeviceLimits, type RunConfig } from '../config';
import { buildModel, type Model } from '../model/model';
import type { ModelBatch } from '../model/types';
import { sparseBlock } from '../presets/comparison';
import { dropoutSeedFor } from '../train/trainer';
import {
  MODES,
  VARIANTS,
  type AdapterInfo,
  type Mode,
  type Row,
  type SweepOptions,
  type SweepProgress,
  type SweepResult,
  type Variant,
  variantKeys,
} from './rows';
import { spreadOf } from './stats';
import { growthOf, targetsOf } from './targets';

export * from './rows';
export { targetsOf } from './targets';

const TIMING_NOTE =
  'wall clock around one step; each sample ends with a read-back (training: the loss, inference: the logits), so GPU time and one read-back round trip are included';

/** Throws unless the options are usable; names the bad value and what is allowed. */
export function checkSweepOptions(o: SweepOptions): void {
  if (o.variants.length === 0) throw new Error(`variants: give at least one of ${VARIANTS.join(', ')}`);
  for (const v of o.variants) if (!VARIANTS.includes(v)) throw new Error(`variant "${v}" is not one of ${VARIANTS.join(', ')}`);
  for (const m of o.modes ?? []) if (!MODES.includes(m)) throw new Error(`mode "${m}" is not one of ${MODES.join(', ')}`);
  if (o.lengths.length === 0) throw new Error('lengths: give at least one sequence length');
  for (const n of o.lengths) if (!Number.isInteger(n) || n < 2) throw new Error(`length ${n} must be an integer ≥ 2`);
  if (!Number.isInteger(o.batch) || o.batch < 1) throw new Error(`batch ${o.batch} must be a positive integer`);
  if (!Number.isInteger(o.warmup) || o.warmup < 0) throw new Error(`warmup ${o.warmup} must be an integer ≥ 0`);
  if (!Number.isInteger(o.repeats) || o.repeats < 1) throw new Error(`repeats ${o.repeats} must be an integer ≥ 1`);
}

/**
 * The paper preset of a variant at length n (ListOps sizes: vocabulary 32, 10 classes), with the
 * sweep's overrides. Linformer's E is built for exactly this n (it has one column per position).
 * BigBird keeps the paper's block of 64 from n = 1024 on; shorter sequences get a divisor of n of
 * at most n/16 (sparseBlock), so that n is a multiple of the block and the pattern stays sparse.
 */
export function benchConfig(variant: Variant, n: number, batch: number, overrides: Partial<RunConfig> = {}): RunConfig {
  const keys = variantKeys(variant);
  const config = { ...defaultConfig('listops', keys.attention), ...overrides, ...keys, seqLen: n, batchSize: batch };
  if (keys.attention === 'bigbird') return { ...config, bigbirdBlock: sparseBlock(n) };
  // Reformer: Hugging Face's chunk of 64 from n = 1024 on, by the same rule as BigBird's block.
  return keys.attention === 'reformer' ? { ...config, reformerChunk: sparseBlock(n) } : config;
}

/**
 * Sweep overrides that give every projection-based variant the same budget, as the paper does
 * (128 there): landmarks / proxies m, Linformer's k and Performer's features.
 */
export function budgetOverrides(budget: number): Partial<RunConfig> {
  return { landmarks: budget, linformerK: budget, performerFeatures: budget };
}

/**
 * The batch that fits the device's per-buffer limit, or why nothing fits. With `shrink`, halves
 * the batch until the largest buffer fits.
 */
export function fitBatch(
  variant: Variant,
  n: number,
  batch: number,
  overrides: Partial<RunConfig>,
  limits: DeviceLimits | undefined,
  shrink: boolean,
): { batch: number; note?: string } | { error: string } {
  if (!limits) return { batch };
  const limit = bufferLimit(limits);
  const need = (b: number) => largestBuffer(benchConfig(variant, n, b, overrides));
  const first = need(batch);
  if (first.bytes <= limit.bytes) return { batch };
  const refusal = `does not fit: needs ${first.bytes} bytes (${formatBytes(first.bytes)}, ${first.name} ${JSON.stringify(first.shape)}) at batch ${batch}, limit ${limit.bytes} bytes (${limit.name})`;
  if (!shrink) return { error: refusal };
  let b = batch;
  while (b > 1 && need(b).bytes > limit.bytes) b = Math.floor(b / 2);
  if (need(b).bytes > limit.bytes) return { error: `${refusal}; even batch 1 needs ${need(1).bytes} bytes` };
  return { batch: b, note: `batch ${b}: ${refusal}` };
}

/** Random tokens, a full mask and random labels, uploaded once and reused by every step (the data pipeline is not what is measured). */
function makeBatch(backend: Backend, c: RunConfig, batch: number): ModelBatch {
  const next = uniformStream(0x9e3779b9 ^ c.seqLen);
  const tokens = Int32Array.from({ length: batch * c.seqLen }, () => 1 + Math.floor(next() * (c.vocabSize - 1)));
  const labels = Int32Array.from({ length: batch }, () => Math.floor(next() * c.numClasses));
  const keep = { category: 'activations' as const };
  return {
    tokens: Tensor.fromArray(backend, tokens, [batch, c.seqLen], { dtype: 'i32', label: 'bench.tokens', ...keep }),
    mask: Tensor.fromArray(backend, new Float32Array(batch * c.seqLen).fill(1), [batch, c.seqLen], { label: 'bench.mask', ...keep }),
    labels: Tensor.fromArray(backend, labels, [batch], { dtype: 'i32', label: 'bench.labels', ...keep }),
  };
}

interface Stepper {
  /** Record one step and wait for its read-back. */
  run(step: number): Promise<void>;
  dispose(): void;
}

function trainStepper(backend: Backend, model: Model, c: RunConfig, data: ModelBatch): Stepper {
  const optimizer = new AdamW(model.params.params(), {
    lr: c.lr,
    beta1: c.beta1,
    beta2: c.beta2,
    eps: c.adamEps,
    weightDecay: c.weightDecay,
  });
  const clipper = new GradClipper(backend);
  return {
    async run(step) {
      // The calls of Trainer.trainStep, on a fixed batch (the upload is not part of the kernels' cost).
      const loss = scope(() => {
        model.params.zeroGrad();
        const out = model.forward(data, { train: true, dropoutSeed: dropoutSeedFor(c.initSeed, step) });
        backward(out.loss!);
        optimizer.step({ lr: c.lr, beta1: c.beta1, gradScale: clipper.compute(model.params.params(), c.gradClip) });
        return out.loss!;
      });
      model.weightsChanged();
      backend.flush();
      await loss.item();
      loss.dispose();
    },
    dispose() {
      optimizer.dispose();
      clipper.dispose();
    },
  };
}

function inferenceStepper(model: Model, data: ModelBatch): Stepper {
  const batch = { tokens: data.tokens, mask: data.mask };
  return {
    async run() {
      const logits = noGrad(() => scope(() => model.forward(batch, { train: false }).logits));
      await logits.read();
      logits.dispose();
    },
    dispose() {},
  };
}

/** Measure one (variant, mode, length): warm-up, then `repeats` timed steps, with the pool peak of one step. */
export async function measure(backend: Backend, variant: Variant, mode: Mode, n: number, opts: SweepOptions): Promise<Row> {
  const overrides = opts.overrides ?? {};
  const fit = fitBatch(variant, n, opts.batch, overrides, opts.limits, opts.shrinkBatch ?? false);
  if ('error' in fit) return { variant, mode, n, batch: opts.batch, status: 'does-not-fit', note: fit.error };
  const batch = fit.batch;
  const c = benchConfig(variant, n, batch, overrides);
  let model: Model | null = null;
  let stepper: Stepper | null = null;
  let data: ModelBatch | null = null;
  try {
    // The model alone, without its task: the data checks (ListOps tree windows) do not apply to random tokens.
    const { task: _task, ...modelOnly } = c;
    model = buildModel(backend, modelOnly, c.initSeed, { batchSize: batch, limits: opts.limits });
    data = makeBatch(backend, c, batch);
    stepper = mode === 'train' ? trainStepper(backend, model, c, data) : inferenceStepper(model, data);
    let step = 0;
    for (let i = 0; i < opts.warmup; i++) await stepper.run(step++);
    const samples: number[] = [];
    let peak = 0;
    let peakByCategory: Record<MemoryCategory, number> | undefined;
    for (let i = 0; i < opts.repeats; i++) {
      backend.resetPeak();
      const t0 = performance.now();
      await stepper.run(step++);
      samples.push(performance.now() - t0);
      const mem = backend.memory();
      if (mem.peak >= peak) {
        peak = mem.peak;
        peakByCategory = { ...mem.peakByCategory };
      }
    }
    const ms = spreadOf(samples);
    const sequencesPerSecond = batch / (ms.median / 1000);
    return {
      variant,
      mode,
      n,
      batch,
      status: 'ok',
      note: fit.note,
      ms,
      sequencesPerSecond,
      tokensPerSecond: sequencesPerSecond * n,
      peakBytes: peak,
      peakBytesPerSequence: peak / batch,
      peakByCategory,
    };
  } catch (e) {
    return { variant, mode, n, batch, status: 'error', note: `${(e as Error).name}: ${(e as Error).message}` };
  } finally {
    stepper?.dispose();
    if (data) for (const t of Object.values(data)) (t as Tensor).dispose();
    model?.dispose();
    // Give the pool's buffers back between lengths (the next length needs other sizes).
    (backend as Backend & { trim?: () => number }).trim?.();
  }
}

/** The sweep was cancelled (`opts.signal`) between two measurements; `done` of `total` rows were measured and reported. */
export class SweepCancelled extends Error {
  constructor(
    readonly done: number,
    readonly total: number,
  ) {
    super(`the sweep was cancelled after ${done} of ${total} measurements`);
    this.name = 'SweepCancelled';
  }
}

/** Run the whole sweep; `onProgress` after each row (the awaits between steps keep a page responsive). */
export async function runSweep(
  backend: Backend,
  adapter: AdapterInfo,
  opts: SweepOptions,
  onProgress?: (p: SweepProgress) => void,
): Promise<SweepResult> {
  checkSweepOptions(opts);
  const modes = opts.modes ?? [...MODES];
  const rows: Row[] = [];
  const total = opts.variants.length * opts.lengths.length * modes.length;
  for (const variant of opts.variants) {
    for (const n of opts.lengths) {
      for (const mode of modes) {
        if (opts.signal?.aborted) throw new SweepCancelled(rows.length, total);
        onProgress?.({ done: rows.length, total, variant, n });
        const row = await measure(backend, variant, mode, n, opts);
        rows.push(row);
        onProgress?.({ done: rows.length, total, variant, n, row });
      }
    }
  }
  return {
    schema: 'proxyformer-bench/1',
    date: new Date().toISOString(),
    adapter,
    batch: opts.batch,
    lengths: [...opts.lengths],
    variants: [...opts.variants],
    warmup: opts.warmup,
    repeats: opts.repeats,
    overrides: { ...(opts.overrides ?? {}) },
    timing: TIMING_NOTE,
    rows,
    growth: growthOf(rows),
    targets: targetsOf(rows),
    peers: [],
  };
}
