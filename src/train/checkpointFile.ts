/**
 * The checkpoint file: one safetensors file with the weights (PyTorch state_dict names), the
 * AdamW moments (`optimizer.<name>.exp_avg`, `.exp_avg_sq`), the metrics so far as one F32
 * tensor per column (`metrics/<column>`), and step, learning-rate scale, config and best
 * validation accuracy as strings in `__metadata__`.
 *
 * The metrics are tensors, not header text, so the header stays a few kilobytes however long
 * the run: a run at the schema's largest `steps` (one row per step) used to need a header of
 * about 150 MB, past the reader's limit (MAX_HEADER_BYTES). F32 keeps the 7 significant digits
 * the CSV kept, and `step` exactly (below 2^24). Version 1 files (metrics as CSV in the
 * header) are still read.
 */
import { validateConfig, type RunConfig } from '../config';
import { METRIC_COLUMNS, MetricsBuffer, type MetricName } from '../io/metrics';
import { readSafetensors, writeSafetensors, type Tensor } from '../io/safetensors';

const CHECKPOINT_FORMAT = 'proxyformer-checkpoint';
const CHECKPOINT_VERSION = '2';
/** Versions this build reads: 1 kept the metrics as CSV in the header. */
const READABLE_VERSIONS = ['1', CHECKPOINT_VERSION];
/** Tensor name prefix of the metrics columns ('/' never appears in a state_dict name). */
const METRICS_PREFIX = 'metrics/';

/** Everything a checkpoint holds. */
export interface CheckpointContents {
  config: RunConfig;
  step: number;
  optimizerStep: number;
  lrScale: number;
  weights: Map<string, Float32Array>;
  moments: Map<string, { m: Float32Array; v: Float32Array }>;
  metrics: MetricsBuffer;
  bestValAccuracy: number | null;
}

/** What writeCheckpoint takes: weights and moments with their shapes. */
export interface CheckpointParts {
  config: RunConfig;
  step: number;
  optimizerStep: number;
  lrScale: number;
  weights: { name: string; shape: number[]; data: Float32Array }[];
  moments: { name: string; shape: number[]; m: Float32Array; v: Float32Array }[];
  metrics?: MetricsBuffer;
  bestValAccuracy?: number | null;
}

/** Serialise a checkpoint; only metric columns with at least one value are written. */
export function writeCheckpoint(p: CheckpointParts): Uint8Array {
  const tensors = new Map<string, Tensor>();
  for (const w of p.weights) tensors.set(w.name, { dtype: 'F32', shape: w.shape, data: w.data });
  for (const { name, shape, m, v } of p.moments) {
    tensors.set(`optimizer.${name}.exp_avg`, { dtype: 'F32', shape, data: m });
    tensors.set(`optimizer.${name}.exp_avg_sq`, { dtype: 'F32', shape, data: v });
  }
  const rows = p.metrics?.length ?? 0;
  for (const c of METRIC_COLUMNS) {
    const col = p.metrics?.column(c);
    if (!col || (c !== 'step' && col.every(Number.isNaN))) continue;
    tensors.set(`${METRICS_PREFIX}${c}`, { dtype: 'F32', shape: [rows], data: Float32Array.from(col) });
  }
  return writeSafetensors(tensors, {
    format: CHECKPOINT_FORMAT,
    version: CHECKPOINT_VERSION,
    config: JSON.stringify(p.config),
    step: String(p.step),
    optimizerStep: String(p.optimizerStep),
    lrScale: String(p.lrScale),
    bestValAccuracy: p.bestValAccuracy == null ? '' : String(p.bestValAccuracy),
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
  if (!READABLE_VERSIONS.includes(meta.version))
    throw new Error(
      `checkpoint version ${JSON.stringify(meta.version)} is not supported (this build reads versions ${READABLE_VERSIONS.join(', ')})`,
    );
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
  const columns = new Map<MetricName, Float32Array>();
  for (const [name, t] of st.tensors) {
    if (t.dtype !== 'F32') throw new Error(`checkpoint tensor ${name} is ${t.dtype}, expected F32`);
    if (name.startsWith(METRICS_PREFIX)) {
      const column = name.slice(METRICS_PREFIX.length) as MetricName;
      // A column of a later version is left out, as metrics.csv's unknown columns are.
      if ((METRIC_COLUMNS as readonly string[]).includes(column)) columns.set(column, t.data);
      continue;
    }
    const opt = /^optimizer\.(.+)\.(exp_avg|exp_avg_sq)$/.exec(name);
    if (!opt) {
      weights.set(name, t.data);
      continue;
    }
    const slot = moments.get(opt[1]) ?? { m: new Float32Array(0), v: new Float32Array(0) };
    if (opt[2] === 'exp_avg') slot.m = t.data;
    else slot.v = t.data;
    moments.set(opt[1], slot);
  }
  return {
    config,
    step: metaNumber(meta, 'step', true),
    optimizerStep: metaNumber(meta, 'optimizerStep', true),
    lrScale: metaNumber(meta, 'lrScale', false),
    weights,
    moments,
    metrics: meta.version === '1' ? MetricsBuffer.fromCsv(meta.metrics || 'step\n') : metricsOfColumns(columns),
    bestValAccuracy: meta.bestValAccuracy ? Number(meta.bestValAccuracy) : null,
  };
}

/** The metrics buffer of a checkpoint's columns (all of one length, `step` among them, or none at all). */
function metricsOfColumns(columns: Map<MetricName, Float32Array>): MetricsBuffer {
  if (columns.size === 0) return new MetricsBuffer();
  const steps = columns.get('step');
  if (!steps) throw new Error(`checkpoint metrics have no "step" column (columns: ${[...columns.keys()].join(', ')})`);
  for (const [name, col] of columns)
    if (col.length !== steps.length)
      throw new Error(
        `checkpoint metrics column "${name}" has ${col.length} rows, "step" has ${steps.length}: every column needs one value a row`,
      );
  return MetricsBuffer.fromColumns(columns, steps.length);
}
