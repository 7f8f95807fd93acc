/**
 * The scaling sweep (browser-safe: it receives a backend, never creates one): for every
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
import { ATTENTIONS, bufferLimit, defaultConfig, formatBytes, largestBuffer, type Attention, type DeviceLimits, type RunConfig } from '../model/config';
import { buildModel, type Model } from '../model/model';
import type { ModelBatch } from '../model/types';
import { dropoutSeedFor } from '../train/trainer';
import { fitPowerLaw, spreadOf, type PowerFit, type Spread } from './stats';

/** Every value of the schema's `attention` key: a new variant is swept without touching this file. */
export const VARIANTS = ATTENTIONS;
export type Variant = Attention;
export const MODES = ['train', 'inference'] as const;
export type Mode = (typeof MODES)[number];

/** The paper's names for the variants (tables and charts). */
export { VARIANT_NAMES } from '../presets/names';

/** What the figures came from: written next to every figure. */
export interface AdapterInfo {
  /** Badge text, e.g. "WebGPU · swiftshader (software)". */
  label: string;
  vendor: string;
  architecture: string;
  device: string;
  description: string;
  /** True for software adapters (SwiftShader, lavapipe): their speed says nothing about GPUs. */
  isFallback: boolean;
  /** Where the engine ran: "node <version> + Dawn (webgpu <version>)", "Chromium <version>". */
  runtime: string;
}

export interface SweepOptions {
  variants: Variant[];
  lengths: number[];
  /** Sequences per step (32 on a real GPU, as the targets). */
  batch: number;
  warmup: number;
  repeats: number;
  /** Model keys changed from the ListOps paper preset (e.g. fewer landmarks for tiny lengths); recorded in the result. */
  overrides?: Partial<RunConfig>;
  /** The device's per-buffer limits; a (variant, length) whose largest buffer exceeds them is reported as not fitting. */
  limits?: DeviceLimits;
  /**
   * When the batch does not fit, halve it until it does and say so in the row's note (per-sequence
   * figures stay comparable). Off: the row is reported as not fitting.
   */
  shrinkBatch?: boolean;
  /** Which modes to measure (default both). */
  modes?: Mode[];
}

export type RowStatus = 'ok' | 'does-not-fit' | 'error';

/** One (variant, mode, length) measurement. */
export interface Row {
  variant: Variant;
  mode: Mode;
  n: number;
  /** The batch actually run (smaller than asked only with shrinkBatch, see note). */
  batch: number;
  status: RowStatus;
  /** Why a row did not run, or that its batch was shrunk. */
  note?: string;
  /** Milliseconds per step (median, quartiles, min/max). */
  ms?: Spread;
  sequencesPerSecond?: number;
  tokensPerSecond?: number;
  /** Highest bytes in use in the engine pool during one step (weights, gradients, optimizer state included). */
  peakBytes?: number;
  peakBytesPerSequence?: number;
  peakByCategory?: Record<MemoryCategory, number>;
}

export interface GrowthRow {
  variant: Variant;
  mode: Mode;
  lengths: number[];
  fit: PowerFit;
}

/** A measured ratio against the target, reported as it is (never asserted). */
export interface TargetLine {
  name: string;
  /** The length it was measured at (4096 when measured, else the longest common length). */
  n: number;
  measured: number | null;
  target: string;
  met: boolean | null;
  note?: string;
}

/** A peer library's figure and its ratio to ours (see peers.ts). */
export interface PeerRow {
  peer: string;
  variant: Variant;
  mode: Mode;
  n: number;
  batch: number;
  status: RowStatus;
  note?: string;
  ms?: Spread;
  /** Peer's median ms ÷ ours: above 1 means we are faster. */
  ratioToOurs?: number;
}

export interface SweepResult {
  schema: 'proxyformer-bench/1';
  date: string;
  adapter: AdapterInfo;
  batch: number;
  lengths: number[];
  variants: Variant[];
  warmup: number;
  repeats: number;
  overrides: Partial<RunConfig>;
  /** How a sample is timed, in words. */
  timing: string;
  rows: Row[];
  growth: GrowthRow[];
  targets: TargetLine[];
  peers: PeerRow[];
}

export interface SweepProgress {
  done: number;
  total: number;
  variant: Variant;
  n: number;
  row?: Row;
}

export const TIMING_NOTE =
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
 */
export function benchConfig(variant: Variant, n: number, batch: number, overrides: Partial<RunConfig> = {}): RunConfig {
  return { ...defaultConfig('listops', variant), ...overrides, attention: variant, seqLen: n, batchSize: batch };
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
export function fitBatch(variant: Variant, n: number, batch: number, overrides: Partial<RunConfig>, limits: DeviceLimits | undefined, shrink: boolean): { batch: number; note?: string } | { error: string } {
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
  let state = 0x9e3779b9 ^ c.seqLen;
  const next = () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
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
  const optimizer = new AdamW(model.params.params(), { lr: c.lr, beta1: c.beta1, beta2: c.beta2, eps: c.adamEps, weightDecay: c.weightDecay });
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
      variant, mode, n, batch, status: 'ok', note: fit.note, ms, sequencesPerSecond, tokensPerSecond: sequencesPerSecond * n,
      peakBytes: peak, peakBytesPerSequence: peak / batch, peakByCategory,
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

/** Fit time ∝ n^k per variant and mode over the rows that ran (at least two lengths). */
export function growthOf(rows: readonly Row[]): GrowthRow[] {
  const out: GrowthRow[] = [];
  for (const variant of VARIANTS) {
    for (const mode of MODES) {
      const ok = rows.filter((r) => r.variant === variant && r.mode === mode && r.status === 'ok' && r.ms);
      if (new Set(ok.map((r) => r.n)).size < 2) continue;
      // Per-sequence time, so a row whose batch was shrunk still lies on the same line.
      out.push({ variant, mode, lengths: ok.map((r) => r.n), fit: fitPowerLaw(ok.map((r) => r.n), ok.map((r) => r.ms!.median / r.batch)) });
    }
  }
  return out;
}

function okRow(rows: readonly Row[], variant: Variant, mode: Mode, n: number): Row | undefined {
  return rows.find((r) => r.variant === variant && r.mode === mode && r.n === n && r.status === 'ok');
}

/** A peer's Proxyformer ratio (peer ms ÷ ours) at n = 4096 or its longest measured length. */
function peerLine(peers: readonly PeerRow[], prefix: string, mode: Mode, name: string, target: string, min: number): TargetLine | null {
  const ok = peers.filter((p) => p.peer.startsWith(prefix) && p.variant === 'proxy' && p.mode === mode && p.status === 'ok' && p.ratioToOurs !== undefined);
  if (ok.length === 0) return null;
  const n = ok.some((p) => p.n === 4096) ? 4096 : Math.max(...ok.map((p) => p.n));
  const v = ok.find((p) => p.n === n)!.ratioToOurs!;
  return { name, n, measured: v, target, met: v >= min, note: n === 4096 ? undefined : `measured at n = ${n}, the target is for n = 4096` };
}

/** The target ratios at n = 4096 (or the longest length where both sides ran), measured against target; peer lines when peers ran. */
export function targetsOf(rows: readonly Row[], peers: readonly PeerRow[] = []): TargetLine[] {
  const at = (a: Variant, b: Variant, mode: Mode): number | null => {
    const common = rows.filter((r) => r.variant === a && r.mode === mode && okRow(rows, b, mode, r.n) && r.status === 'ok').map((r) => r.n);
    if (common.length === 0) return null;
    return common.includes(4096) ? 4096 : Math.max(...common);
  };
  const line = (name: string, a: Variant, b: Variant, mode: Mode, value: (x: Row, y: Row) => number, target: string, met: (v: number) => boolean): TargetLine => {
    const n = at(a, b, mode);
    if (n === null) return { name, n: 4096, measured: null, target, met: null, note: `no length where both ${a} and ${b} ran` };
    const v = value(okRow(rows, a, mode, n)!, okRow(rows, b, mode, n)!);
    return { name, n, measured: v, target, met: met(v), note: n === 4096 ? undefined : `measured at n = ${n}, the target is for n = 4096` };
  };
  return [
    line('Proxyformer ÷ softmax, training sequences/s', 'proxy', 'softmax', 'train', (p, s) => p.sequencesPerSecond! / s.sequencesPerSecond!, '≥ 4 (paper: 3.8)', (v) => v >= 4),
    line('Proxyformer ÷ softmax, training peak memory per sequence', 'proxy', 'softmax', 'train', (p, s) => p.peakBytesPerSequence! / s.peakBytesPerSequence!, '≤ 0.08 (paper: 0.08)', (v) => v <= 0.08),
    line('Proxyformer ÷ Nyströmformer, training sequences/s', 'proxy', 'nystrom', 'train', (p, s) => p.sequencesPerSecond! / s.sequencesPerSecond!, '≥ 1', (v) => v >= 1),
    peerLine(peers, 'tfjs', 'train', 'tfjs-webgpu ms ÷ ours, Proxyformer training step', '≥ 3', 3),
    peerLine(peers, 'onnxruntime-web', 'inference', 'onnxruntime-web (webgpu EP) ms ÷ ours, Proxyformer inference', '≥ 1.5', 1.5),
  ].filter((t): t is TargetLine => t !== null);
}

/** Run the whole sweep; `onProgress` after each row (the awaits between steps keep a page responsive). */
export async function runSweep(backend: Backend, adapter: AdapterInfo, opts: SweepOptions, onProgress?: (p: SweepProgress) => void): Promise<SweepResult> {
  checkSweepOptions(opts);
  const modes = opts.modes ?? [...MODES];
  const rows: Row[] = [];
  const total = opts.variants.length * opts.lengths.length * modes.length;
  for (const variant of opts.variants) {
    for (const n of opts.lengths) {
      for (const mode of modes) {
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
