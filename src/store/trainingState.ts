/**
 * What the training client's store holds, and the shapes it is built from: the run's state as
 * the worker reports it, its evaluations, failure and notices, the saved runs, the attention
 * views and the kernel timings. The client that fills it is in trainingStore.ts.
 */
import type { RunConfig } from '../config';
import type { BackendChoice, FailureKind, RunState, RunSummary, ToWorker } from '../train/protocol';
import type { AttentionViews } from './attentionViews';
import type { AdapterKernels } from '../train/adapterKernels';

/** What the client needs of a Worker (a real one, or a fake in unit tests). */
export interface WorkerLike {
  postMessage(message: ToWorker): void;
  onmessage: ((ev: { data: unknown }) => void) | null;
  onerror: ((ev: { message?: string }) => void) | null;
  terminate(): void;
}

export type WorkerFactory = () => WorkerLike;

/** The learning-rate factor offered after a non-finite loss ("resume from the last checkpoint with a lower lr"). */
export const RECOVERY_LR_SCALE = 0.5;

/** Per-kernel GPU time, when the worker reports it (an optional `kernels` message of the worker protocol). */
export interface KernelTiming {
  name: string;
  ms: number;
  calls: number;
  /** Flops and bytes of those calls; null where the kernel has no cost function. */
  flops: number | null;
  bytes: number | null;
}

export interface EvalRecord {
  split: 'validation' | 'test';
  step: number;
  loss: number;
  accuracy: number;
  best: boolean;
}

export interface Failure {
  kind: FailureKind;
  message: string;
  step: number;
  lastCheckpointStep: number | null;
  canResume: boolean;
}

/** A run started from this page (its metrics are in `metrics(runId)`). */
export interface SessionRun {
  runId: string;
  name: string;
  config: RunConfig;
  startedAt: number;
}

export interface TrainingState {
  runState: RunState;
  step: number;
  totalSteps: number;
  stateMessage: string | null;
  /** The run the controls act on. */
  runId: string | null;
  runConfig: RunConfig | null;
  backend: { kind: 'webgpu' | 'cpu'; label: string; reason?: string; timestampQuery: boolean; adapter?: AdapterKernels } | null;
  /** Bumped (at most every flushMs) when any run's metrics buffer grew. */
  metricsVersion: number;
  failure: Failure | null;
  coldNotice: { keys: string[]; message: string } | null;
  evals: Record<string, EvalRecord[]>;
  lastCheckpoint: { runId: string; step: number; bytes: number } | null;
  sessionRuns: SessionRun[];
  savedRuns: RunSummary[];
  /** Why the last rename of a saved run was refused (null once a list comes back without an error). */
  runsError: string | null;
  views: AttentionViews | null;
  viewsError: string | null;
  viewsPending: number | null;
  kernels: KernelTiming[] | null;
  /** The worker could not be created or crashed; nothing trains. */
  workerError: string | null;
}

export interface TrainingClientOptions {
  createWorker: WorkerFactory;
  /** How often at most the metrics version is bumped (ms). */
  flushMs?: number;
  schedule?: (fn: () => void, ms: number) => void;
  now?: () => number;
  makeRunId?: (config: RunConfig, now: number) => string;
  backend?: BackendChoice;
}

const ACTIVE: readonly RunState[] = ['building', 'running', 'paused'];

/** Whether a run state holds a model in the worker (cold settings are locked). */
export function isActive(state: RunState): boolean {
  return ACTIVE.includes(state);
}

/**
 * Whether closing or reloading the page now would lose training: a run is in the worker and
 * its progress is past its last saved checkpoint (or it has none yet).
 */
export function hasUnsavedProgress(s: Pick<TrainingState, 'runState' | 'runId' | 'step' | 'lastCheckpoint'>): boolean {
  if (!isActive(s.runState) || s.runId === null) return false;
  return s.lastCheckpoint?.runId !== s.runId || s.lastCheckpoint.step < s.step;
}

export function initialState(): TrainingState {
  return {
    runState: 'idle',
    step: 0,
    totalSteps: 0,
    stateMessage: null,
    runId: null,
    runConfig: null,
    backend: null,
    metricsVersion: 0,
    failure: null,
    coldNotice: null,
    evals: {},
    lastCheckpoint: null,
    sessionRuns: [],
    savedRuns: [],
    runsError: null,
    views: null,
    viewsError: null,
    viewsPending: null,
    kernels: null,
    workerError: null,
  };
}
