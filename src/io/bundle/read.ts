/**
 * Importing a run: a bundle zip, or a bare safetensors file with its config JSON, for resuming
 * or inference. Everything is validated before anything is returned — the zip's structure and
 * declared sizes (zip.ts), the config by the schema, the safetensors file, the tensor names,
 * dtypes and shapes against the config's parameters, the metadata config against config.json,
 * the optimizer state — and only `ImportError` (with a code) is thrown. The functions are pure:
 * they return a new value and never touch the input or any state, so a caller applies the
 * result only when it arrived, and a bad file leaves the current run as it was.
 */
import type { RunConfig } from '../../config';
import type { MetricsBuffer } from '../metrics';
import { ImportError } from '../errors';
import { ImportBudget, guarded, limitError } from '../importLimits';
import { readSafetensors } from '../safetensors';
import { configDifferences, parseConfig, type ParsedConfig } from './config';
import { MetricsLineCounter, parseMetrics } from './metrics';
import {
  BUNDLE_FILES,
  CONFIG_FILE,
  FORMAT_MODEL,
  BUNDLE_CHECKPOINTS,
  type BundleCheckpointKind,
  META_CHECKPOINT,
  META_CONFIG,
  META_FORMAT,
  META_STEP,
  META_VERSION,
  METRICS_FILE,
  MODEL_FILE,
  ONNX_FILE,
  OPTIMIZER_FILE,
  type ImportLimits,
} from './names';
import { checkVersion, prefixed, readOptimizer, type OptimizerState } from './optimizer';
import { readZipEntries } from './zip';
import { checkFinite, expectedShapes, matchTensors, optimizerShapes } from './weights';

/** A validated run, ready to load into a parameter store or an inference session. */
export interface ImportedRun {
  config: RunConfig;
  /** Every parameter and state tensor (Performer's `features`) of the config, F32, in `parameterShapes` order. */
  weights: Map<string, Float32Array>;
  /** metrics.csv, when the bundle has one. */
  metrics: MetricsBuffer | null;
  /** AdamW state, when the bundle has one (trainable parameters only). */
  optimizer: OptimizerState | null;
  /** model.onnx as stored (not parsed here; an inference session can export afresh from `weights`). */
  onnx: Uint8Array | null;
  /** Accepted oddities: schema notices, ignored metrics columns, skipped rows. */
  notices: string[];
  source: 'bundle' | 'safetensors';
  /** Which step the weights are, when the writer said (this side does; the PyTorch reference does not). */
  checkpoint: { kind: BundleCheckpointKind; step: number } | null;
}

export interface ReadOptions {
  /** Budgets other than src/io/importLimits.ts `DEFAULT_LIMITS` (tests, smaller devices). */
  limits?: Partial<ImportLimits>;
  /** The import's budget: limits, deadline and progress (made from `limits` when absent). */
  budget?: ImportBudget;
}

const budgetOf = (options: ReadOptions) => options.budget ?? new ImportBudget(options.limits);

/** A zip starts with a local file header (PK 3 4) or, when empty, the end record (PK 5 6). */
function looksLikeZip(b: Uint8Array): boolean {
  return b.length >= 4 && b[0] === 0x50 && b[1] === 0x4b && ((b[2] === 3 && b[3] === 4) || (b[2] === 5 && b[3] === 6));
}

/** A bundle zip, or (when the bytes are not a zip) a bare model safetensors file with `configJson`. */
export function importRun(bytes: Uint8Array | ArrayBuffer, configJson?: Uint8Array | string, options: ReadOptions = {}): ImportedRun {
  const data = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
  const isZip = looksLikeZip(data);
  if (isZip && configJson !== undefined)
    throw new ImportError('bundle', 'a bundle zip carries its own config.json; give a separate config only with a bare .safetensors file.');
  const budget = budgetOf(options);
  return isZip ? readBundle(data, { budget }) : readWeightsFile(data, configJson, { budget });
}

/** Read and validate a bundle zip. */
export function readBundle(bytes: Uint8Array | ArrayBuffer, options: ReadOptions = {}): ImportedRun {
  const data = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
  const budget = budgetOf(options);
  // metrics.csv's rows are counted while it inflates: a file of millions of tiny rows stops at the row budget.
  const counter = new MetricsLineCounter(budget);
  const watch = (name: string) => (name === METRICS_FILE ? (chunk: Uint8Array) => counter.push(chunk) : undefined);
  return guarded('reading the bundle', () => bundleOf(readZipEntries(data, budget, watch), budget));
}

function bundleOf(entries: Map<string, Uint8Array>, budget: ImportBudget): ImportedRun {
  const model = entries.get(MODEL_FILE);
  if (!model)
    throw new ImportError(
      'bundle',
      `the bundle lacks ${MODEL_FILE}; it holds ${[...entries.keys()].join(', ') || 'nothing'} (a bundle has ${BUNDLE_FILES.join(', ')}).`,
    );
  const configBytes = entries.get(CONFIG_FILE);
  const side = configBytes ? parseConfig(configBytes, CONFIG_FILE, budget.limits.maxConfigBytes) : null;
  const run = readModel(model, MODEL_FILE, side, CONFIG_FILE, budget);
  const notices = [...run.notices];
  const metricsBytes = entries.get(METRICS_FILE);
  let metrics: MetricsBuffer | null = null;
  if (metricsBytes) {
    const parsed = parseMetrics(metricsBytes, budget);
    metrics = parsed.metrics;
    notices.push(...parsed.notices);
  }
  const optimizerBytes = entries.get(OPTIMIZER_FILE);
  const optimizer = optimizerBytes ? readOptimizer(optimizerBytes, optimizerShapes(expectedShapes(run.config)), budget) : null;
  return { ...run, metrics, optimizer, onnx: entries.get(ONNX_FILE) ?? null, notices, source: 'bundle' };
}

/** Read and validate a bare model safetensors file; its config comes from `configJson` and/or its metadata (both: they must agree). */
export function readWeightsFile(bytes: Uint8Array | ArrayBuffer, configJson?: Uint8Array | string, options: ReadOptions = {}): ImportedRun {
  const data = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
  const budget = budgetOf(options);
  const limit = budget.limits.maxEntryBytes;
  if (data.length > limit) throw limitError('maxEntryBytes', 'the weights file bytes', data.length, limit);
  return guarded('reading the weights file', () => {
    const side = configJson === undefined ? null : parseConfig(configJson, 'the config file', budget.limits.maxConfigBytes);
    const run = readModel(data, 'the weights file', side, 'the config file', budget);
    return { ...run, metrics: null, optimizer: null, onnx: null, source: 'safetensors' as const };
  });
}

/** The model file: safetensors checks, metadata, config (metadata vs side file) and the tensors against it. */
function readModel(
  bytes: Uint8Array,
  file: string,
  side: ParsedConfig | null,
  sideName: string,
  budget: ImportBudget,
): { config: RunConfig; weights: Map<string, Float32Array>; notices: string[]; checkpoint: ImportedRun['checkpoint'] } {
  const { maxHeaderBytes, maxHeaderEntries, maxConfigBytes } = budget.limits;
  const { tensors, metadata } = prefixed(() => readSafetensors(bytes, { maxHeaderBytes, maxHeaderEntries, budget }), file);
  const format = metadata.get(META_FORMAT);
  // The PyTorch reference writes only `config`; other tools write their own format names (e.g. 'pt'), which say nothing about ours.
  if (format?.startsWith('proxyformer-playground/') && format !== FORMAT_MODEL) {
    throw new ImportError(
      'metadata',
      `${file}: __metadata__.format ${JSON.stringify(format.slice(0, 60))} is not a model file (expected ${JSON.stringify(FORMAT_MODEL)}).`,
    );
  }
  if (format === FORMAT_MODEL || format === undefined) checkVersion(file, metadata.get(META_VERSION));
  const metaText = metadata.get(META_CONFIG);
  const meta = metaText === undefined ? null : parseConfig(metaText, `${file} __metadata__.config`, maxConfigBytes);
  if (!meta && !side) {
    throw new ImportError(
      'config',
      `${file} has no __metadata__.config and no config file was given: the config decides the parameters' names and shapes, so it is needed.`,
    );
  }
  if (meta && side) {
    const differ = configDifferences(meta.config, side.config);
    if (differ.length) {
      throw new ImportError(
        'config',
        `${sideName} and the ${file} metadata disagree on ${differ.join(', ')} (${differ
          .slice(0, 3)
          .map((k) => `${k}: ${String(side.config[k])} vs ${String(meta.config[k])}`)
          .join('; ')}).`,
      );
    }
  }
  const chosen = (side ?? meta)!;
  const weights = matchTensors(file, expectedShapes(chosen.config), tensors);
  checkFinite(file, weights, budget);
  const notices = [...(side?.notices ?? []), ...(meta && !side ? meta.notices : [])];
  return { config: chosen.config, weights, notices, checkpoint: checkpointOf(metadata) };
}

/** `checkpoint` and `step` from the model metadata; anything else there is no claim (null). */
function checkpointOf(metadata: Map<string, string>): ImportedRun['checkpoint'] {
  const kind = metadata.get(META_CHECKPOINT);
  const step = Number(metadata.get(META_STEP));
  if (!(BUNDLE_CHECKPOINTS as readonly string[]).includes(kind ?? '') || !Number.isSafeInteger(step) || step < 0) return null;
  return { kind: kind as BundleCheckpointKind, step };
}
