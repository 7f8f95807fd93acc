/**
 * The training client (a vanilla zustand store): owns the worker, sends `ToWorker`, receives
 * `FromWorker`. Metrics rows go into one MetricsBuffer per run OUTSIDE the store (runMetrics.ts);
 * the store only holds a version number, bumped at most every `flushMs`, which the charts watch.
 */
import { createStore, type StoreApi } from 'zustand/vanilla';
import { useStore } from 'zustand';
import { isHotKey, type ConfigKey, type RunConfig } from '../config';
import type { MetricsBuffer } from '../io/metrics';
import {
  isFromWorker,
  type BundleCheckpoint,
  type FromWorker,
  type RunAnnotation,
  type RunExport,
  type RunImport,
  type RunSummary,
  type ToWorker,
} from '../train/protocol';
import { toAttentionViews } from './attentionViews';
import { recordRedundancy, RunMetrics } from './runMetrics';
import {
  initialState,
  isActive,
  RECOVERY_LR_SCALE,
  type KernelTiming,
  type TrainingClientOptions,
  type TrainingState,
  type WorkerFactory,
  type WorkerLike,
} from './trainingState';

export * from './trainingState';

/** The training client: a store plus the commands that talk to the worker. */
export class TrainingClient {
  readonly store: StoreApi<TrainingState>;
  private worker: WorkerLike | null = null;
  private readonly runs: RunMetrics;
  private nextRequestId = 1;
  private readonly exports = new Map<number, { resolve: (run: RunExport) => void; reject: (e: Error) => void }>();
  private readonly savedLoads = new Map<string, { resolve: () => void; reject: (e: Error) => void }[]>();
  private readonly opts: Required<Omit<TrainingClientOptions, 'createWorker'>> & { createWorker: WorkerFactory };

  constructor(options: TrainingClientOptions) {
    this.opts = {
      flushMs: 250,
      schedule: (fn, ms) => void setTimeout(fn, ms),
      now: () => Date.now(),
      makeRunId: (c, now) => `${c.task}-${c.attention}-${now.toString(36)}`,
      backend: 'auto',
      ...options,
    };
    this.store = createStore<TrainingState>()(() => initialState());
    this.runs = new RunMetrics(this.store, this.opts.schedule, this.opts.flushMs);
  }

  /** The full-resolution metrics of a run (created empty on first use). */
  metrics(runId: string): MetricsBuffer {
    return this.runs.metrics(runId);
  }

  /** The landmark/proxy redundancy its views measured over training (see RunMetrics.redundancy). */
  redundancy(runId: string): MetricsBuffer {
    return this.runs.redundancy(runId);
  }

  /** Whether a run has metrics in this page. */
  hasMetrics(runId: string | null): boolean {
    return this.runs.hasMetrics(runId);
  }

  /**
   * Bring a saved run's curves into this page (from its latest checkpoint's metrics), so it can
   * be compared after a reload without resuming it. A run already in the page is left as it is.
   */
  loadSavedMetrics(runId: string): Promise<void> {
    if (this.hasMetrics(runId)) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      const waiting = this.savedLoads.get(runId) ?? [];
      waiting.push({ resolve, reject });
      this.savedLoads.set(runId, waiting);
      if (waiting.length === 1) this.send({ type: 'saved-metrics', runId });
    });
  }

  /** Create the worker (if needed) and ask it for the saved runs. */
  connect(): void {
    // A worker that cannot be created is reported in `workerError`, not thrown at page load.
    if (this.ensureWorker()) this.send({ type: 'list-runs' });
  }

  /** Start a new run from a validated config. */
  start(config: RunConfig, name: string): string {
    const s = this.store.getState();
    if (isActive(s.runState)) throw new Error(`a run is ${s.runState}: stop it before starting another`);
    const now = this.opts.now();
    const runId = this.opts.makeRunId(config, now);
    this.metrics(runId).clear();
    this.store.setState({
      runId,
      runConfig: config,
      runState: 'building',
      step: 0,
      totalSteps: config.steps,
      stateMessage: null,
      failure: null,
      coldNotice: null,
      views: null,
      viewsError: null,
      kernels: null,
      sessionRuns: [...s.sessionRuns.filter((r) => r.runId !== runId), { runId, name, config, startedAt: now }],
    });
    this.send({ type: 'start', config, runId, backend: this.opts.backend });
    return runId;
  }

  /** Continue training from an imported bundle (validated by `importRun`; the worker checks sizes again). */
  startFrom(
    imported: {
      config: RunConfig;
      weights: ReadonlyMap<string, Float32Array>;
      optimizer: { step: number; expAvg: ReadonlyMap<string, Float32Array>; expAvgSq: ReadonlyMap<string, Float32Array> } | null;
      metricsCsv: string;
    },
    name: string,
  ): string {
    const s = this.store.getState();
    if (isActive(s.runState)) throw new Error(`a run is ${s.runState}: stop it before starting another`);
    const runId = `${name}-${this.opts.now().toString(36)}`.replace(/[^A-Za-z0-9._-]/g, '-').slice(0, 80);
    const config = imported.config;
    this.store.setState({
      runId,
      runConfig: config,
      runState: 'building',
      step: imported.optimizer?.step ?? 0,
      totalSteps: config.steps,
      failure: null,
      views: null,
      sessionRuns: [...s.sessionRuns.filter((r) => r.runId !== runId), { runId, name, config, startedAt: this.opts.now() }],
    });
    const from: RunImport = {
      weights: [...imported.weights],
      optimizer: imported.optimizer
        ? { step: imported.optimizer.step, expAvg: [...imported.optimizer.expAvg], expAvgSq: [...imported.optimizer.expAvgSq] }
        : null,
      metricsCsv: imported.metricsCsv,
    };
    this.send({ type: 'start', config, runId, backend: this.opts.backend, from });
    return runId;
  }

  /** Continue a saved run from its last checkpoint; `overrides` (hot keys, e.g. a lower lr) change its config from there on. */
  resumeSaved(run: RunSummary, overrides?: Partial<RunConfig>): void {
    const s = this.store.getState();
    if (isActive(s.runState)) throw new Error(`a run is ${s.runState}: stop it before resuming another`);
    // The worker sends the run's whole history from its checkpoint; curves loaded earlier go.
    this.metrics(run.runId).clear();
    this.store.setState({
      runId: run.runId,
      runConfig: run.config,
      runState: 'building',
      step: run.step,
      totalSteps: run.config.steps,
      failure: null,
      views: null,
      sessionRuns: [
        ...s.sessionRuns.filter((r) => r.runId !== run.runId),
        { runId: run.runId, name: run.name, config: run.config, startedAt: this.opts.now() },
      ],
    });
    this.send({ type: 'start', config: run.config, runId: run.runId, backend: this.opts.backend, resume: true, overrides });
  }

  pause(): void {
    this.send({ type: 'pause' });
  }
  resume(): void {
    this.send({ type: 'resume' });
  }
  step(count = 1): void {
    this.send({ type: 'step', count });
  }
  stop(): void {
    this.send({ type: 'stop' });
  }

  reset(): void {
    this.send({ type: 'reset' });
    this.store.setState({ failure: null, coldNotice: null, views: null, viewsError: null });
  }

  /** After a non-finite loss: go back to the last checkpoint and continue with a lower learning rate. */
  recoverWithLowerLr(scale = RECOVERY_LR_SCALE): void {
    const f = this.store.getState().failure;
    if (!f?.canResume) throw new Error('no failure to recover from: the worker did not offer to resume');
    this.send({ type: 'resume', lrScale: scale });
    this.store.setState({ failure: null });
  }

  /**
   * Send changed settings of the active run. Hot keys go to the worker (from the next step);
   * cold keys are not sent and set a notice instead: they need a rebuild.
   */
  update(changes: Partial<RunConfig>): void {
    const s = this.store.getState();
    if (!isActive(s.runState)) return;
    const keys = Object.keys(changes) as ConfigKey[];
    const hot = keys.filter((k) => isHotKey(k));
    const cold = keys.filter((k) => !isHotKey(k));
    if (hot.length > 0) {
      const sent: Partial<RunConfig> = {};
      for (const k of hot) (sent as Record<string, unknown>)[k] = changes[k];
      this.send({ type: 'update', changes: sent });
      this.store.setState({ runConfig: s.runConfig ? { ...s.runConfig, ...sent } : s.runConfig });
    }
    if (cold.length > 0) {
      this.store.setState({
        coldNotice: {
          keys: cold,
          message: `${cold.join(', ')} ${cold.length === 1 ? 'needs' : 'need'} a rebuild: the running model keeps its old value. Stop and Start to apply.`,
        },
      });
    }
  }

  /** The current run's weights, optimizer state and metrics: as it is now (`last`) or its best-validation checkpoint. */
  exportRun(checkpoint: BundleCheckpoint = 'last'): Promise<RunExport> {
    const requestId = this.nextRequestId++;
    return new Promise((resolve, reject) => {
      this.exports.set(requestId, { resolve, reject });
      try {
        this.send({ type: 'export', requestId, checkpoint });
      } catch (e) {
        this.exports.delete(requestId);
        reject(e as Error);
      }
    });
  }

  /** Ask for the attention views of one example; the reply lands in `views` (or `viewsError`). */
  requestViews(example: number, split: 'validation' | 'test' = 'validation'): number {
    const requestId = this.nextRequestId++;
    this.store.setState({ viewsPending: requestId, viewsError: null });
    this.send({ type: 'views', requestId, split, example });
    return requestId;
  }

  /** Ask for the saved runs (quietly nothing when there is no worker: `workerError` already says why). */
  listRuns(): void {
    if (this.ensureWorker()) this.send({ type: 'list-runs' });
  }

  deleteRun(runId: string): void {
    this.send({ type: 'delete-run', runId });
  }

  /** Rename a saved run and set its notes; the new list (or why it was refused, in `runsError`) comes back from the worker. */
  annotateRun(runId: string, annotation: RunAnnotation): void {
    this.send({ type: 'annotate-run', runId, annotation });
  }

  dismissColdNotice(): void {
    this.store.setState({ coldNotice: null });
  }

  /** Terminate the worker (tests, page teardown). */
  dispose(): void {
    this.worker?.terminate();
    this.worker = null;
  }

  private ensureWorker(): WorkerLike | null {
    if (this.worker) return this.worker;
    try {
      const w = this.opts.createWorker();
      w.onmessage = (ev) => this.receive(ev.data);
      w.onerror = (ev) =>
        this.store.setState({ workerError: `the training worker failed: ${ev.message ?? 'no message'}`, runState: 'failed' });
      this.worker = w;
    } catch (e) {
      this.store.setState({ workerError: `the training worker could not be created: ${(e as Error).message}` });
    }
    return this.worker;
  }

  private send(message: ToWorker): void {
    const w = this.ensureWorker();
    if (!w) throw new Error(this.store.getState().workerError ?? 'no training worker');
    w.postMessage(message);
  }

  /** Handle one message from the worker. Public for the fake-worker tests' sake is not needed: the worker calls onmessage. */
  private receive(data: unknown): void {
    if (!isFromWorker(data)) return;
    const msg = data as FromWorker | { type: 'kernels'; runId: string; kernels: KernelTiming[] };
    const set = this.store.setState;
    const s = this.store.getState();
    switch (msg.type) {
      case 'backend':
        set({
          backend: { kind: msg.kind, label: msg.label, reason: msg.reason, timestampQuery: msg.timestampQuery, adapter: msg.adapter },
        });
        break;
      case 'state':
        set({ runState: msg.state, step: msg.step, totalSteps: msg.totalSteps, stateMessage: msg.message ?? null });
        if (msg.state === 'finished' || msg.state === 'idle') this.runs.flushNow();
        break;
      case 'metrics':
        this.runs.append(msg.runId, msg.rows, msg.runId === s.runId);
        break;
      case 'eval': {
        const list = s.evals[msg.runId] ?? [];
        set({
          evals: {
            ...s.evals,
            [msg.runId]: [...list, { split: msg.split, step: msg.step, loss: msg.loss, accuracy: msg.accuracy, best: msg.best }],
          },
        });
        break;
      }
      case 'failure':
        set({
          failure: {
            kind: msg.kind,
            message: msg.message,
            step: msg.step,
            lastCheckpointStep: msg.lastCheckpointStep,
            canResume: msg.canResume,
          },
        });
        break;
      case 'cold-change':
        set({ coldNotice: { keys: msg.keys, message: msg.message } });
        break;
      case 'checkpoint':
        set({ lastCheckpoint: { runId: msg.runId, step: msg.step, bytes: msg.bytes } });
        break;
      case 'views':
        if (msg.requestId !== s.viewsPending) break; // a stale reply to an older request
        try {
          if (!s.runConfig) throw new Error('no run to attach them to');
          const views = toAttentionViews(msg.views, { config: s.runConfig, step: s.step });
          if (s.runId !== null) recordRedundancy(this.redundancy(s.runId), views);
          set({ views, viewsError: null, viewsPending: null });
        } catch (e) {
          set({ viewsError: `the worker sent views this page cannot draw: ${(e as Error).message}`, viewsPending: null });
        }
        break;
      case 'runs':
        set({ savedRuns: msg.runs, runsError: msg.error ?? null });
        break;
      case 'saved-metrics': {
        const waiting = this.savedLoads.get(msg.runId) ?? [];
        this.savedLoads.delete(msg.runId);
        if (msg.metricsCsv === null) {
          for (const w of waiting) w.reject(new Error(msg.error ?? `run ${msg.runId} has no saved metrics`));
          break;
        }
        // The run may have started in this page meanwhile; its live rows win.
        if (!this.runs.hasMetrics(msg.runId)) this.runs.load(msg.runId, msg.metricsCsv);
        for (const w of waiting) w.resolve();
        break;
      }
      case 'export': {
        const waiting = this.exports.get(msg.requestId);
        this.exports.delete(msg.requestId);
        if (!waiting) break;
        if (msg.run) waiting.resolve(msg.run);
        else waiting.reject(new Error(msg.error ?? 'the worker could not export the run'));
        break;
      }
      case 'kernels':
        set({ kernels: [...msg.kernels].sort((a, b) => b.ms - a.ms) });
        break;
    }
  }
}

/** The page's worker: the training loop of src/train/worker.ts as a module worker. */
function createTrainingWorker(): WorkerLike {
  return new Worker(new URL('../train/worker.ts', import.meta.url), { type: 'module', name: 'training' }) as unknown as WorkerLike;
}

let pageClient: TrainingClient | null = null;

/** The page's training client (created on first use). */
export function trainingClient(): TrainingClient {
  pageClient ??= new TrainingClient({ createWorker: createTrainingWorker });
  return pageClient;
}

/** React hook over the page's training store. */
export function useTraining<T>(select: (s: TrainingState) => T): T {
  return useStore(trainingClient().store, select);
}
