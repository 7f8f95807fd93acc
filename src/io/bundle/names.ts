/**
 * The run bundle's fixed names (docs/model-contract.md; python/proxyformer/bundle.py reads and
 * writes the same): zip entry names and safetensors metadata keys.
 */

/** F32 weights by state_dict name; `__metadata__.config` holds the config JSON. */
export const MODEL_FILE = 'model.safetensors';
/** The run config, the same JSON as the metadata's. */
export const CONFIG_FILE = 'config.json';
/** One row per logged step (src/io/metrics.ts columns; PyTorch appends under the same header). */
export const METRICS_FILE = 'metrics.csv';
/** AdamW moments per parameter (`<name>.exp_avg`, `<name>.exp_avg_sq`) and the step count in the metadata. */
export const OPTIMIZER_FILE = 'optimizer.safetensors';
/** The inference graph (src/io/onnx/export.ts). */
export const ONNX_FILE = 'model.onnx';

/** Every entry a bundle may hold; anything else is refused on import. */
export const BUNDLE_FILES = [MODEL_FILE, CONFIG_FILE, METRICS_FILE, OPTIMIZER_FILE, ONNX_FILE] as const;
export type BundleFile = (typeof BUNDLE_FILES)[number];

/** Metadata keys and values written by this side. The PyTorch reference writes only `config`, so the others are optional on import. */
export const META_CONFIG = 'config';
export const META_FORMAT = 'format';
export const META_VERSION = 'version';
export const META_STEP = 'step';
/** Which step a bundle's weights are: `best` (by validation accuracy) or `last`; with META_STEP, in model.safetensors. */
export const META_CHECKPOINT = 'checkpoint';
export const BUNDLE_CHECKPOINTS = ['best', 'last'] as const;
export type BundleCheckpointKind = (typeof BUNDLE_CHECKPOINTS)[number];

/** The download name of a run's bundle: it says which step it holds (`<run>-best-step1200.zip`). */
export function bundleFileName(runId: string, kind: BundleCheckpointKind, step: number): string {
  const base = runId.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^[-.]+/, '') || 'run';
  return `${base.slice(0, 80)}-${kind}-step${step}.zip`;
}
export const FORMAT_MODEL = 'proxyformer-playground/model';
export const FORMAT_OPTIMIZER = 'proxyformer-playground/adamw';
export const BUNDLE_VERSION = '1';

/** The import budgets live in src/io/importLimits.ts (docs/imports.md). */
export { DEFAULT_LIMITS, type ImportLimits } from '../importLimits';
