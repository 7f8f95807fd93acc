/**
 * The typed message protocol between the page and the training worker. The page never
 * touches GPU buffers; the worker never touches React. Every message is plain structured-clone
 * data (typed arrays travel as transferables where noted).
 */
import type { RunConfig } from '../config';
import type { MetricRow } from '../io/metrics';
import type { ModelViews } from '../model/views';
import type { AdapterKernels } from './adapterKernels';

/** Which backend the worker should use. `auto` = WebGPU when it passes the self-test, else the CPU reference (and it says so). */
export type BackendChoice = 'auto' | 'webgpu' | 'cpu';

export type RunState = 'idle' | 'building' | 'running' | 'paused' | 'finished' | 'failed';

/** Page → worker. */
export type ToWorker =
  /**
   * Start a run: from scratch, from its saved checkpoint (`resume`), or from imported weights and
   * optimizer state (`from`: a validated run bundle; the step continues from the bundle's optimizer step).
   * A resume takes the checkpoint's config with `overrides` (hot keys only, such as a lower lr) applied.
   */
  | {
      type: 'start';
      config: RunConfig;
      runId: string;
      backend: BackendChoice;
      resume?: boolean;
      from?: RunImport;
      overrides?: Partial<RunConfig>;
    }
  | { type: 'pause' }
  | { type: 'resume'; lrScale?: number }
  | { type: 'step'; count: number }
  | { type: 'stop' }
  | { type: 'reset' }
  /** Hot settings, applied from the next step. Cold keys are refused with a `cold-change` reply. */
  | { type: 'update'; changes: Partial<RunConfig> }
  | { type: 'views'; requestId: number; split: 'validation' | 'test'; example: number }
  | { type: 'list-runs' }
  | { type: 'delete-run'; runId: string }
  /** Rename a saved run and set its notes (kept with its summary; the page shows the label instead of the run id). */
  | { type: 'annotate-run'; runId: string; annotation: RunAnnotation }
  /** The metrics saved with a run's latest checkpoint (to draw a saved run's curves after a reload). */
  | { type: 'saved-metrics'; runId: string }
  /** The current run's weights, optimizer state and metrics (for a run bundle or the inference panel). */
  /** `last`: the run as it is now; `best`: its best-validation checkpoint as saved. */
  | { type: 'export'; requestId: number; checkpoint?: BundleCheckpoint };

/** Which step an exported run holds: the latest one, or the best by validation accuracy. */
export type BundleCheckpoint = 'best' | 'last';

/** Imported state to continue training from (src/io/bundle `importRun`, already validated on the page). */
export interface RunImport {
  weights: [string, Float32Array][];
  optimizer: { step: number; expAvg: [string, Float32Array][]; expAvgSq: [string, Float32Array][] } | null;
  metricsCsv: string;
}

/** What an `export` reply carries: everything a run bundle needs (src/io/bundle). */
export interface RunExport {
  runId: string;
  config: RunConfig;
  step: number;
  checkpoint: BundleCheckpoint;
  weights: [string, Float32Array][];
  optimizer: { step: number; expAvg: [string, Float32Array][]; expAvgSq: [string, Float32Array][] };
  metricsCsv: string;
}

/** A `views` reply: the example the views were computed on (unpadded token ids) and the model's views of it. */
export interface ViewsPayload {
  example: { split: 'validation' | 'test'; index: number; tokens: number[]; label: number; prediction?: number };
  views: ModelViews;
  /** Wall time the worker spent computing them (ms): the page paces live refreshes by it. */
  computeMs?: number;
}

/** Why a run stopped or could not start. */
export type FailureKind = 'non-finite-loss' | 'device-lost' | 'over-limit' | 'invalid-config' | 'storage-full' | 'internal';

export interface RunSummary {
  runId: string;
  name: string;
  config: RunConfig;
  step: number;
  updatedAt: number;
  bestValAccuracy: number | null;
  testAccuracy: number | null;
  /** `interrupted`: saved while running, and no session runs it now (the page was closed or reloaded). */
  state: RunState | 'interrupted';
  /** The name the user gave it (Rename in the run list); absent until then. */
  label?: string;
  /** The user's notes on the run; absent until written. */
  notes?: string;
}

/** What the user writes about a run: its name and notes (the checkpoint stores keep them across saves). */
export interface RunAnnotation {
  label: string;
  notes: string;
}

/** Worker → page. */
export type FromWorker =
  /** The backend; `adapter`: its peak, row reductions and matmul choices (docs/kernels.md), sent again as tuning decides. */
  | { type: 'backend'; kind: 'webgpu' | 'cpu'; label: string; reason?: string; timestampQuery: boolean; adapter?: AdapterKernels }
  | { type: 'state'; state: RunState; step: number; totalSteps: number; message?: string }
  /** The memory plan a run was built with (src/train/memoryPlan.ts): `line` as the CLI prints it. */
  | { type: 'plan'; runId: string; line: string; microBatches: number; estimateBytes: number; budgetBytes: number }
  /** Metrics, batched a few times a second. */
  | { type: 'metrics'; runId: string; rows: MetricRow[] }
  | { type: 'eval'; runId: string; split: 'validation' | 'test'; step: number; loss: number; accuracy: number; best: boolean }
  | { type: 'failure'; kind: FailureKind; message: string; step: number; lastCheckpointStep: number | null; canResume: boolean }
  | { type: 'cold-change'; keys: string[]; message: string }
  | { type: 'checkpoint'; runId: string; step: number; bytes: number }
  | { type: 'views'; requestId: number; views: ViewsPayload }
  /** The saved runs; `error` when the command that asked for them (an annotation) was refused. */
  | { type: 'runs'; runs: RunSummary[]; error?: string }
  /** Reply to `saved-metrics`: the CSV, or null and why. */
  | { type: 'saved-metrics'; runId: string; metricsCsv: string | null; error?: string }
  /** Per-kernel GPU time since the run started (timestamp-query), largest first. */
  | { type: 'kernels'; runId: string; kernels: { name: string; ms: number; calls: number; flops: number | null; bytes: number | null }[] }
  | { type: 'export'; requestId: number; run: RunExport | null; error?: string };

/** Narrowing helper for message handlers. */
export function isFromWorker(x: unknown): x is FromWorker {
  return typeof x === 'object' && x !== null && typeof (x as { type?: unknown }).type === 'string';
}
