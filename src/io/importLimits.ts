/**
 * The budget of every import (bundle zip, bare safetensors file, the config and metrics.csv
 * inside a bundle), in one place; docs/imports.md lists them. Each limit is enforced while the
 * data is read — inflating stops at the budget whatever the zip declares, the CSV reader
 * counts rows before it allocates, the header parser counts entries as it goes, and a deadline
 * is checked between chunks — so a small hostile file cannot make the importer allocate
 * gigabytes or run for minutes. Anything over a limit is an `ImportError('limit')` whose
 * `breach` names the limit, the value seen and the allowed maximum.
 */
import { SCHEMA } from '../config';
import { ImportError } from './errors';

export interface ImportLimits {
  /** Most entries a bundle's central directory may list (the five bundle files). */
  maxEntries: number;
  /** Most bytes one zip entry may inflate to (declared or actual), and most bytes of a bare weights file. */
  maxEntryBytes: number;
  /** Most bytes all of a bundle's entries together may inflate to. */
  maxTotalBytes: number;
  /** Most bytes of config.json (a config is a few hundred bytes). */
  maxConfigBytes: number;
  /** Most bytes of metrics.csv, and of the metrics text handed on to the trainer. */
  maxMetricsBytes: number;
  /** Most data rows of metrics.csv. */
  maxMetricsRows: number;
  /** Most columns of metrics.csv's header (unknown columns included). */
  maxMetricsColumns: number;
  /** Most bytes of one metrics.csv line. */
  maxMetricsLineBytes: number;
  /** Most bytes of a safetensors header (model.safetensors, optimizer.safetensors, a bare weights file). */
  maxHeaderBytes: number;
  /** Most tensor entries (keys) of a safetensors header. */
  maxHeaderEntries: number;
  /** Most milliseconds one import may take (checked between chunks, rows and tensors). */
  maxCpuMs: number;
}

export type ImportLimitName = keyof ImportLimits;

const MiB = 1024 * 1024;

export const DEFAULT_LIMITS: ImportLimits = {
  maxEntries: 5,
  // The largest schema-valid models are a few hundred MB of F32; a browser tab should not be asked for more.
  maxEntryBytes: 768 * MiB,
  maxTotalBytes: 1024 * MiB,
  maxConfigBytes: 1 * MiB,
  // Well under V8's longest string (2^29 - 24 characters): the text can always be decoded and rebuilt.
  maxMetricsBytes: 256 * MiB,
  // A run logs one row per step and one per validation: at most twice the schema's largest step count.
  maxMetricsRows: 2 * SCHEMA.steps.max + 2,
  maxMetricsColumns: 256,
  maxMetricsLineBytes: 16 * 1024,
  // A model of the schema's largest size has a few hundred tensors (≈ 100 bytes each in the header).
  maxHeaderBytes: 16 * MiB,
  maxHeaderEntries: 65_536,
  maxCpuMs: 60_000,
};

/** The error for a value over a limit: "<what>: <seen>, over the import limit <name> = <allowed>". */
export function limitError(limit: ImportLimitName, what: string, seen: number, allowed: number): ImportError {
  return new ImportError('limit', `${what}: ${seen}, over the import limit ${limit} = ${allowed} (docs/imports.md).`, {
    limit,
    seen,
    allowed,
  });
}

export interface BudgetHooks {
  /** Milliseconds (performance.now by default). */
  now?: () => number;
  /** Called at most every `progressMs` with the stage and the fraction of it done. */
  onProgress?: (stage: string, fraction: number) => void;
  progressMs?: number;
}

/** One import's limits and deadline. Cheap to `check`: call it between chunks, every few thousand rows, per tensor. */
export class ImportBudget {
  readonly limits: ImportLimits;
  private readonly now: () => number;
  private readonly started: number;
  private lastProgress = Number.NEGATIVE_INFINITY;

  constructor(
    limits: Partial<ImportLimits> = {},
    private readonly hooks: BudgetHooks = {},
  ) {
    this.limits = { ...DEFAULT_LIMITS, ...limits };
    this.now = hooks.now ?? (() => performance.now());
    this.started = this.now();
  }

  /** Throws `limitError('maxCpuMs')` once the import has run past its time. */
  check(stage: string): void {
    const elapsed = this.now() - this.started;
    if (elapsed > this.limits.maxCpuMs)
      throw limitError('maxCpuMs', `the import took too long (${stage}); milliseconds`, Math.round(elapsed), this.limits.maxCpuMs);
  }

  /** Report progress (throttled) and check the deadline. */
  progress(stage: string, fraction: number): void {
    this.check(stage);
    const t = this.now();
    if (this.hooks.onProgress && t - this.lastProgress >= (this.hooks.progressMs ?? 100)) {
      this.lastProgress = t;
      this.hooks.onProgress(stage, Math.min(1, Math.max(0, fraction)));
    }
  }

  /** Throw when `seen` is over the limit. */
  atMost(limit: ImportLimitName, what: string, seen: number): void {
    if (seen > this.limits[limit]) throw limitError(limit, what, seen, this.limits[limit]);
  }
}

/**
 * Run an import step so that no engine error leaves it: a RangeError ("Invalid string length",
 * "Array buffer allocation failed", a stack overflow) becomes `ImportError('resources')` naming
 * the step. Other errors are programming errors and pass unchanged (the fuzz tests catch them).
 */
export function guarded<T>(stage: string, read: () => T): T {
  try {
    return read();
  } catch (err) {
    throw asImportError(err, stage);
  }
}

/** A RangeError as the `resources` ImportError that names it; anything else unchanged. */
export function asImportError(err: unknown, stage: string): unknown {
  if (!(err instanceof RangeError)) return err;
  const what = `${err.name}: ${err.message}`;
  return new ImportError('resources', `${stage}: the browser ran out of room (${what}); the file is too large to import here.`);
}
