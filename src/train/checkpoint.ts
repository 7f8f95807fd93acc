/**
 * Checkpoints: weights (PyTorch state_dict names), AdamW moments, step, learning-rate scale,
 * config and the metrics so far, in one safetensors file (F32 tensors; everything else as
 * strings in `__metadata__`). Restoring validates names and shapes against the model the
 * config builds before anything is loaded, so a wrong file never half-loads.
 */
import { writeSafetensors, readSafetensors, type Tensor as StTensor } from '../io/safetensors';
import { validateConfig, type RunConfig } from '../config';
import type { RunExport } from './protocol';
import type { Trainer } from './trainer';

const CHECKPOINT_FORMAT = 'proxyformer-checkpoint';
const CHECKPOINT_VERSION = '1';

export interface CheckpointExtra {
  /** Metrics so far as CSV (MetricsBuffer.toCsv). */
  metricsCsv?: string;
  bestValAccuracy?: number | null;
}

export interface CheckpointContents {
  config: RunConfig;
  step: number;
  optimizerStep: number;
  lrScale: number;
  weights: Map<string, Float32Array>;
  moments: Map<string, { m: Float32Array; v: Float32Array }>;
  metricsCsv: string;
  bestValAccuracy: number | null;
}

const f32 = (d: Float32Array | Float64Array | Int32Array): Float32Array => (d instanceof Float32Array ? d : Float32Array.from(d));

/** A trainer's weights and AdamW moments, read off the device (by state_dict name, in parameter order). */
export interface TrainerState {
  weights: { name: string; shape: number[]; data: Float32Array }[];
  moments: { name: string; shape: number[]; m: Float32Array; v: Float32Array }[];
}

/** Read weights and AdamW moments (waits for the device once per tensor); checkpoints and exports share it. */
export async function readTrainerState(trainer: Trainer): Promise<TrainerState> {
  const weights = [...(await trainer.model.params.read())].map(([name, { shape, data }]) => ({ name, shape: [...shape], data: f32(data) }));
  const moments: TrainerState['moments'] = [];
  for (const { name, m, v } of trainer.optimizer.state()) {
    const [md, vd] = await Promise.all([m.read(), v.read()]);
    moments.push({ name, shape: [...m.shape], m: f32(md), v: f32(vd) });
  }
  return { weights, moments };
}

/** The run as the page exports it: weights, AdamW state and metrics, read off the device. */
export async function captureRunExport(trainer: Trainer, runId: string, metricsCsv: string): Promise<RunExport> {
  const { weights, moments } = await readTrainerState(trainer);
  return {
    runId,
    config: trainer.config,
    step: trainer.step,
    metricsCsv,
    weights: weights.map((w): [string, Float32Array] => [w.name, w.data]),
    optimizer: {
      step: trainer.optimizer.stepCount,
      expAvg: moments.map((x): [string, Float32Array] => [x.name, x.m]),
      expAvgSq: moments.map((x): [string, Float32Array] => [x.name, x.v]),
    },
  };
}

/** Read everything off the device and serialise it. */
export async function captureCheckpoint(trainer: Trainer, extra: CheckpointExtra = {}): Promise<Uint8Array> {
  const tensors = new Map<string, StTensor>();
  const { weights, moments } = await readTrainerState(trainer);
  for (const w of weights) tensors.set(w.name, { dtype: 'F32', shape: w.shape, data: w.data });
  for (const { name, shape, m, v } of moments) {
    tensors.set(`optimizer.${name}.exp_avg`, { dtype: 'F32', shape, data: m });
    tensors.set(`optimizer.${name}.exp_avg_sq`, { dtype: 'F32', shape, data: v });
  }
  return writeSafetensors(tensors, {
    format: CHECKPOINT_FORMAT,
    version: CHECKPOINT_VERSION,
    config: JSON.stringify(trainer.config),
    step: String(trainer.step),
    optimizerStep: String(trainer.optimizer.stepCount),
    lrScale: String(trainer.lrScale),
    bestValAccuracy: extra.bestValAccuracy == null ? '' : String(extra.bestValAccuracy),
    metrics: extra.metricsCsv ?? '',
  });
}

function metaNumber(meta: Record<string, string>, key: string, integer: boolean): number {
  const v = Number(meta[key]);
  if (meta[key] === undefined || meta[key] === '' || !Number.isFinite(v) || (integer && (!Number.isInteger(v) || v < 0))) {
    throw new Error(
      `checkpoint metadata "${key}" is ${JSON.stringify(meta[key] ?? null)}: expected ${integer ? 'a non-negative integer' : 'a number'}`,
    );
  }
  return v;
}

/** Parse and validate a checkpoint file (names and shapes are checked later against the model). */
export function parseCheckpoint(bytes: Uint8Array): CheckpointContents {
  const st = readSafetensors(bytes);
  const meta = Object.fromEntries(st.metadata) as Record<string, string>;
  if (meta.format !== CHECKPOINT_FORMAT)
    throw new Error(`not a checkpoint: metadata format is ${JSON.stringify(meta.format ?? null)}, expected "${CHECKPOINT_FORMAT}"`);
  if (meta.version !== CHECKPOINT_VERSION)
    throw new Error(`checkpoint version ${JSON.stringify(meta.version)} is not supported (this build reads version ${CHECKPOINT_VERSION})`);
  let raw: unknown;
  try {
    raw = JSON.parse(meta.config ?? '');
  } catch {
    throw new Error('checkpoint metadata "config" is not valid JSON');
  }
  const { config, ok, issues } = validateConfig(raw);
  if (!ok)
    throw new Error(
      `checkpoint config is invalid: ${issues
        .filter((i) => i.severity === 'error')
        .map((i) => i.message)
        .join(' ')}`,
    );
  const weights = new Map<string, Float32Array>();
  const moments = new Map<string, { m: Float32Array; v: Float32Array }>();
  for (const [name, t] of st.tensors) {
    if (t.dtype !== 'F32') throw new Error(`checkpoint tensor ${name} is ${t.dtype}, expected F32`);
    const opt = /^optimizer\.(.+)\.(exp_avg|exp_avg_sq)$/.exec(name);
    if (!opt) {
      weights.set(name, t.data as Float32Array);
      continue;
    }
    const slot = moments.get(opt[1]) ?? { m: new Float32Array(0), v: new Float32Array(0) };
    if (opt[2] === 'exp_avg') slot.m = t.data as Float32Array;
    else slot.v = t.data as Float32Array;
    moments.set(opt[1], slot);
  }
  return {
    config,
    step: metaNumber(meta, 'step', true),
    optimizerStep: metaNumber(meta, 'optimizerStep', true),
    lrScale: metaNumber(meta, 'lrScale', false),
    weights,
    moments,
    metricsCsv: meta.metrics ?? '',
    bestValAccuracy: meta.bestValAccuracy ? Number(meta.bestValAccuracy) : null,
  };
}

/** Load parsed contents into a trainer built from the same config; checks every name and size first. */
export function restoreCheckpoint(trainer: Trainer, c: CheckpointContents): void {
  const problems: string[] = [];
  const params = trainer.model.params;
  for (const name of params.names()) {
    const p = params.get(name);
    const w = c.weights.get(name);
    if (!w) problems.push(`missing weight ${name}`);
    else if (w.length !== p.size) problems.push(`weight ${name} has ${w.length} values, the model needs ${p.size} [${p.shape.join(', ')}]`);
    if (params.isState(name)) continue; // not trained (Performer's features): no optimizer state
    const mom = c.moments.get(name);
    if (!mom) problems.push(`missing optimizer state of ${name}`);
    else if (mom.m.length !== p.size || mom.v.length !== p.size) problems.push(`optimizer state of ${name} has the wrong size`);
  }
  for (const name of c.weights.keys()) if (!params.has(name)) problems.push(`unexpected weight ${name}`);
  if (problems.length > 0)
    throw new Error(
      `checkpoint does not fit this model: ${problems.slice(0, 6).join('; ')}${problems.length > 6 ? `; and ${problems.length - 6} more` : ''}`,
    );
  for (const name of params.names()) params.load(name, c.weights.get(name)!);
  for (const { name, m, v } of trainer.optimizer.state()) {
    const mom = c.moments.get(name)!;
    trainer.backend.write(m.buf, mom.m);
    trainer.backend.write(v.buf, mom.v);
  }
  trainer.optimizer.stepCount = c.optimizerStep;
  trainer.step = c.step;
  trainer.lrScale = c.lrScale;
  trainer.model.weightsChanged();
}
