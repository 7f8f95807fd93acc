/**
 * Writing a run bundle: a zip (fflate) with model.safetensors (F32, state_dict names, the
 * config JSON in `__metadata__.config`, plus `format` and `version`), config.json,
 * metrics.csv, and optionally optimizer.safetensors and model.onnx — the files
 * python/proxyformer/bundle.py reads. Everything is checked against the config first.
 * The output is deterministic (fixed entry order and timestamps): the same run gives the same bytes.
 */
import { zipSync, type Zippable } from 'fflate';
import { validateConfig, type RunConfig } from '../../config';
import type { MetricsBuffer } from '../metrics';
import { ExportError } from '../errors';
import { checkWeights } from '../onnx/config';
import { exportOnnx } from '../onnx/export';
import { writeSafetensors, type Tensor } from '../safetensors';
import { metricsText } from './metrics';
import {
  BUNDLE_VERSION,
  type BundleCheckpointKind,
  CONFIG_FILE,
  FORMAT_MODEL,
  META_CHECKPOINT,
  META_CONFIG,
  META_FORMAT,
  META_STEP,
  META_VERSION,
  METRICS_FILE,
  MODEL_FILE,
  ONNX_FILE,
  OPTIMIZER_FILE,
} from './names';
import { writeOptimizer, type OptimizerState } from './optimizer';
import { expectedShapes, optimizerShapes } from './weights';

/** What a bundle carries. */
export interface RunBundle {
  config: RunConfig;
  /** Every parameter and state tensor (Performer's `features`) by its state_dict name (row-major, PyTorch layouts). */
  weights: ReadonlyMap<string, Float32Array>;
  /** The run's metrics (a buffer, or CSV text under its header); absent: a header-only file. */
  metrics?: MetricsBuffer | string;
  /** AdamW state, for resuming: trainable parameters only (state tensors have no moments). */
  optimizer?: OptimizerState;
  /** Which step the weights are (written to model.safetensors' metadata): the best-validation one or the last. */
  checkpoint?: { kind: BundleCheckpointKind; step: number };
}

export interface WriteOptions {
  /** Add model.onnx (the inference graph); `attentionOutputs` adds the attention factors as outputs. */
  onnx?: boolean | { attentionOutputs?: boolean };
}

/** A fixed timestamp (zip stores local DOS time from 1980): identical runs give identical bytes. */
const MTIME = new Date(2000, 0, 1);

/** The bundle zip's bytes. Throws `ExportError` for a config or weights that do not fit together. */
export function writeBundle(run: RunBundle, options: WriteOptions = {}): Uint8Array {
  const checked = validateConfig(run.config);
  const errors = checked.issues.filter((i) => i.severity === 'error');
  if (errors.length) throw new ExportError('config', `the config does not validate: ${errors.map((i) => i.message).join(' ')}`);
  // The validated copy holds exactly the schema's keys: a stray key in the caller's object would make the PyTorch side refuse the file.
  const config = checked.config;
  let shapes: Map<string, number[]>;
  try {
    shapes = expectedShapes(config);
    checkWeights(shapes, run.weights);
  } catch (err) {
    throw new ExportError('tensor', err instanceof Error ? err.message : String(err));
  }
  const configJson = JSON.stringify(config, null, 2);
  const tensors = new Map<string, Tensor>();
  for (const [name, shape] of shapes) tensors.set(name, { dtype: 'F32', shape, data: run.weights.get(name)! });
  const model = writeSafetensors(tensors, {
    [META_CONFIG]: JSON.stringify(config),
    [META_FORMAT]: FORMAT_MODEL,
    [META_VERSION]: BUNDLE_VERSION,
    ...(run.checkpoint ? { [META_CHECKPOINT]: run.checkpoint.kind, [META_STEP]: String(run.checkpoint.step) } : {}),
  });

  const text = new TextEncoder();
  // Floats barely compress: level 1 keeps writing fast for large models; text gets the default level.
  const entries: Zippable = {
    [MODEL_FILE]: [model, { level: 1, mtime: MTIME }],
    [CONFIG_FILE]: [text.encode(configJson + '\n'), { level: 6, mtime: MTIME }],
    [METRICS_FILE]: [text.encode(metricsText(run.metrics)), { level: 6, mtime: MTIME }],
  };
  if (run.optimizer) entries[OPTIMIZER_FILE] = [writeOptimizer(run.optimizer, optimizerShapes(shapes)), { level: 1, mtime: MTIME }];
  if (options.onnx) {
    const attentionOutputs = typeof options.onnx === 'object' && options.onnx.attentionOutputs === true;
    entries[ONNX_FILE] = [exportOnnx(config, run.weights, { attentionOutputs }), { level: 6, mtime: MTIME }];
  }
  return zipSync(entries);
}
