/**
 * Messages of the bundle import worker (src/io/bundle/importWorker.ts): the page sends the
 * File objects (cloned, not read on the page), the worker reads, inflates, parses and validates
 * them within the budget of src/io/importLimits.ts and answers with progress, then the run
 * (tensor buffers transferred, metrics as bounded CSV text) or the refusal. Cancel terminates
 * the worker.
 */
import type { RunConfig } from '../../config';
import type { ImportErrorCode, LimitBreach } from '../errors';
import type { ImportLimits } from '../importLimits';
import type { OptimizerState } from './optimizer';

export interface BundleImportRequest {
  type: 'import';
  /** A bundle zip, or a bare model safetensors file. */
  file: File;
  /** The config JSON for a bare safetensors file. */
  configFile?: File;
  /** Budgets other than the defaults (tests). */
  limits?: Partial<ImportLimits>;
}

/** The validated run, as it crosses to the page. */
export interface TransferredRun {
  config: RunConfig;
  weights: Map<string, Float32Array>;
  optimizer: OptimizerState | null;
  /** metrics.csv rebuilt as CSV text (at most `maxMetricsBytes` characters), or null without one. */
  metricsCsv: string | null;
  notices: string[];
  source: 'bundle' | 'safetensors';
}

export type BundleImportReply =
  | { type: 'progress'; stage: string; fraction: number }
  | { type: 'done'; run: TransferredRun }
  | { type: 'error'; message: string; code: ImportErrorCode | 'internal'; breach?: LimitBreach };
