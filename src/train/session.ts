/**
 * A training session: the state machine behind the worker (and the tests, and nothing else
 * needs a Worker to drive it). It takes `ToWorker` commands, runs the training loop, streams
 * `FromWorker` messages, evaluates every `evalEvery` steps, checkpoints every
 * `checkpointEvery` steps, and recovers from the failures the runtime knows:
 * - a non-finite loss pauses the run at the read that sees it, and `resume` (with `lrScale`)
 *   restarts from the last checkpoint with a lower learning rate;
 * - a lost device is reported, a new one is requested, and the run continues from its last
 *   checkpoint (losing at most the steps since then);
 * - a model over the device's limits is refused before training, with the numbers.
 */
import { isColdKey, MODEL_HOT_KEYS, validateConfig, type ConfigKey, type HotKey, type RunConfig } from '../config';
import { ModelConfigError } from '../model/validate';
import type { TaskSource } from '../data';
import { captureCheckpoint, parseCheckpoint, readTrainerState, restoreCheckpoint } from './checkpoint';
import type { BackendHandle } from './backendFactory';
import { MetricsBuffer, type MetricRow } from '../io/metrics';
import type { BackendChoice, FailureKind, FromWorker, RunImport, RunState, RunSummary, ToWorker, ViewsPayload } from './protocol';
import type { CheckpointStore } from './store/types';
import type { KernelTimer } from '../engine/webgpu/timing';
import { loadImport } from './importRun';
import { KernelTimes, type PhaseTimes } from './kernelTimes';
import { Trainer, type StepValues } from './trainer';

export interface SessionDeps {
  post(msg: FromWorker): void;
  createBackend(choice: BackendChoice): Promise<BackendHandle>;
  loadTask(config: RunConfig): Promise<TaskSource>;
  store: CheckpointStore;
  /** Let queued messages in (setTimeout 0 in a worker, setImmediate in Node). */
  yieldToEvents(): Promise<void>;
  now(): number;
  /** JS heap bytes where the platform reports them. */
  jsHeap?(): number | undefined;
  /** Views of one example (src/model/views.ts), computed outside the training step. */
  views?(trainer: Trainer, split: 'validation' | 'test', example: number): Promise<ViewsPayload>;
}

/**
 * The training hot keys the trainer applies without rebuilding the optimizer
 * (`applyOptimizerSettings`); the other hot keys (β1, β2, ε, the schedule's shape) rebuild it
 * around the same state. Typed by the schema: a key that is not hot there does not compile.
 */
const CHEAP_HOT = new Set<ConfigKey>(['lr', 'weightDecay', 'gradClip', 'evalEvery', 'evalSteps', 'checkpointEvery'] satisfies HotKey[]);
/** Hot keys the model applies itself from its next forward (dropout rates, λ, τ): the schema's hot model keys. */
const MODEL_HOT = new Set<ConfigKey>(MODEL_HOT_KEYS);
/** Read values back at least this often (ms), and post metrics at most this often. */
const READ_INTERVAL_MS = 250;
const READ_EVERY_STEPS = 16;

export class TrainingSession {
  state: RunState = 'idle';
  trainer: Trainer | null = null;
  readonly metrics = new MetricsBuffer();
  private gpu: BackendHandle | null = null;
  /** The config of the current run (survives the trainer when a device is lost). */
  private config: RunConfig | null = null;
  private choice: BackendChoice = 'auto';
  private runId = '';
  private task: TaskSource | null = null;
  private stepBudget = 0;
  private looping = false;
  private outbox: MetricRow[] = [];
  private lastPost = 0;
  private lastRead = { time: 0, step: 0 };
  private runStart = 0;
  private lastCheckpoint: { bytes: Uint8Array; step: number } | null = null;
  private bestValAccuracy: number | null = null;
  private testAccuracy: number | null = null;
  private pendingFailure: FailureKind | null = null;
  private deviceLost = false;
  /** GPU time by phase and kernel of the current run (timestamp-query). */
  private readonly kernelTimes = new KernelTimes();

  constructor(private readonly deps: SessionDeps) {}

  /** Handle one command; resolves when the command (not the run it starts) is done. */
  async handle(msg: ToWorker): Promise<void> {
    switch (msg.type) {
      case 'start':
        return this.start(msg.config, msg.runId, msg.backend, msg.resume ?? false, msg.from);
      case 'pause':
        if (this.state !== 'running') return;
        await this.halt();
        this.flushMetrics(true);
        this.setState('paused');
        return;
      case 'resume':
        return this.resume(msg.lrScale);
      case 'step':
        if (!this.trainer || this.state === 'running' || this.state === 'building') return;
        this.stepBudget = Math.max(1, Math.floor(msg.count));
        void this.loop();
        return;
      case 'stop': {
        const step = this.trainer?.step ?? 0;
        const saved = this.trainer !== null && this.state !== 'finished';
        await this.stop();
        this.setState('idle', saved ? `stopped at step ${step}; its checkpoint is saved (${this.deps.store.where}) and can be resumed from the run list` : undefined);
        return;
      }
      case 'reset':
        await this.stop();
        this.metrics.clear();
        this.setState('idle');
        return;
      case 'update':
        return this.update(msg.changes);
      case 'views':
        if (!this.trainer || !this.deps.views) return;
        this.deps.post({ type: 'views', requestId: msg.requestId, views: await this.deps.views(this.trainer, msg.split, msg.example) });
        return;
      case 'export':
        return this.exportRun(msg.requestId);
      case 'list-runs':
        this.deps.post({ type: 'runs', runs: await this.deps.store.list() });
        return;
      case 'saved-metrics':
        return this.savedMetrics(msg.runId);
      case 'delete-run':
        await this.deps.store.remove(msg.runId);
        this.deps.post({ type: 'runs', runs: await this.deps.store.list() });
        return;
    }
  }

  private setState(state: RunState, message?: string): void {
    this.state = state;
    this.deps.post({ type: 'state', state, step: this.trainer?.step ?? 0, totalSteps: this.trainer?.config.steps ?? 0, message });
  }

  private fail(kind: FailureKind, message: string, canResume: boolean): void {
    this.pendingFailure = kind;
    this.flushMetrics(true);
    this.deps.post({ type: 'failure', kind, message, step: this.trainer?.step ?? 0, lastCheckpointStep: this.lastCheckpoint?.step ?? null, canResume });
  }

  private async ensureBackend(choice: BackendChoice): Promise<BackendHandle> {
    if (this.gpu && this.choice === choice && !this.deviceLost) return this.gpu;
    if (!this.deviceLost) this.gpu?.backend.dispose();
    this.choice = choice;
    this.deviceLost = false;
    const h = await this.deps.createBackend(choice);
    this.gpu = h;
    this.deps.post({ type: 'backend', kind: h.kind, label: h.label, reason: h.reason, timestampQuery: h.timestampQuery });
    void h.lost?.then(() => {
      if (this.gpu === h) this.deviceLost = true;
    });
    return h;
  }

  private async start(raw: RunConfig, runId: string, choice: BackendChoice, resume: boolean, from?: RunImport): Promise<void> {
    await this.stop();
    this.setState('building');
    this.runId = runId;
    this.pendingFailure = null;
    this.bestValAccuracy = null;
    this.testAccuracy = null;
    this.lastCheckpoint = null;
    this.kernelTimes.clear();
    this.metrics.clear();
    try {
      let saved = resume ? await this.deps.store.load(runId, 'latest') : null;
      if (resume && !saved) throw new ModelConfigError([`run ${runId} has no saved checkpoint to resume from (${this.deps.store.where})`]);
      const contents = saved ? parseCheckpoint(saved) : null;
      const { config, ok, issues } = validateConfig(contents?.config ?? raw);
      if (!ok) throw new ModelConfigError(issues.filter((i) => i.severity === 'error').map((i) => i.message));
      this.config = config;
      const handle = await this.ensureBackend(choice);
      this.task = await this.deps.loadTask(config);
      this.trainer = new Trainer(handle.backend, config, this.task);
      if (contents) {
        restoreCheckpoint(this.trainer, contents);
        const old = MetricsBuffer.fromCsv(contents.metricsCsv || 'step\n');
        for (const row of old.rows()) this.metrics.append(row);
        this.bestValAccuracy = contents.bestValAccuracy;
        this.lastCheckpoint = { bytes: saved!, step: contents.step };
        saved = null;
      } else if (from) {
        loadImport(this.trainer, from);
        const old = MetricsBuffer.fromCsv(from.metricsCsv || 'step\n');
        for (const row of old.rows()) if (row.step <= this.trainer.step) this.metrics.append(row);
      }
    } catch (e) {
      const err = e as Error;
      const overLimit = /limit|too large|maxStorageBufferBindingSize|maxBufferSize/i.test(err.message);
      this.trainer?.dispose();
      this.trainer = null;
      this.setState('failed', err.message);
      this.fail(err instanceof ModelConfigError ? (overLimit ? 'over-limit' : 'invalid-config') : overLimit ? 'over-limit' : 'internal', err.message, false);
      return;
    }
    this.runStart = this.deps.now() - (this.metrics.last('wallMs') || 0);
    this.lastRead = { time: this.deps.now(), step: this.trainer.step };
    if (this.metrics.length > 0) this.deps.post({ type: 'metrics', runId, rows: this.metrics.rows() });
    this.setState('running');
    void this.loop();
  }

  private async resume(lrScale?: number): Promise<void> {
    if (!this.trainer) return;
    if (this.pendingFailure === 'non-finite-loss') {
      if (!this.lastCheckpoint) return;
      await this.rebuild(this.trainer.config, this.lastCheckpoint.bytes);
      this.trainer.lrScale *= lrScale ?? 0.5;
    }
    this.pendingFailure = null;
    if (this.state === 'paused' || this.state === 'failed') {
      this.lastRead = { time: this.deps.now(), step: this.trainer.step };
      this.setState('running');
      void this.loop();
    }
  }

  private async stop(): Promise<void> {
    const live = this.state === 'running' || this.state === 'paused';
    this.stepBudget = 0;
    await this.halt();
    if (this.trainer && live && !this.deviceLost) await this.checkpoint();
    this.flushMetrics(true);
    this.trainer?.dispose();
    this.trainer = null;
  }

  /** Rebuild the trainer (new config and/or new device) from checkpoint bytes. */
  private async rebuild(config: RunConfig, bytes: Uint8Array | null): Promise<void> {
    const handle = await this.ensureBackend(this.choice);
    const contents = bytes ? parseCheckpoint(bytes) : null;
    this.trainer?.dispose();
    this.trainer = new Trainer(handle.backend, config, this.task!);
    this.config = config;
    if (contents) restoreCheckpoint(this.trainer, contents);
  }

  private async update(changes: Partial<RunConfig>): Promise<void> {
    const cold = Object.keys(changes).filter(isColdKey);
    if (cold.length > 0) {
      this.deps.post({ type: 'cold-change', keys: cold, message: `${cold.join(', ')} change the model or the data: start a new run to apply ${cold.length > 1 ? 'them' : 'it'}.` });
      return;
    }
    if (!this.trainer) return;
    const { config, ok, issues } = validateConfig({ ...this.trainer.config, ...changes });
    if (!ok) {
      this.deps.post({ type: 'cold-change', keys: Object.keys(changes), message: issues.filter((i) => i.severity === 'error').map((i) => i.message).join(' ') });
      return;
    }
    if (Object.keys(changes).every((k) => CHEAP_HOT.has(k as ConfigKey) || MODEL_HOT.has(k as ConfigKey))) {
      const modelChanges = Object.fromEntries(Object.entries(changes).filter(([k]) => MODEL_HOT.has(k as ConfigKey)));
      if (Object.keys(modelChanges).length > 0) this.trainer.model.updateHot(modelChanges);
      this.trainer.applyOptimizerSettings(changes);
      this.config = this.trainer.config;
      return;
    }
    // β2 and eps are fixed in the optimizer: rebuild it (and the model) around the same state.
    const wasRunning = await this.halt();
    await this.rebuild(config, await captureCheckpoint(this.trainer, { metricsCsv: '', bestValAccuracy: this.bestValAccuracy }));
    if (wasRunning) this.continueRunning();
  }

  /** Read the run's state between steps (the loop pauses for the read and goes on after it). */
  /** A saved run's metrics, read from its latest checkpoint; the current run is left alone. */
  private async savedMetrics(runId: string): Promise<void> {
    try {
      const bytes = await this.deps.store.load(runId, 'latest');
      if (!bytes) {
        this.deps.post({ type: 'saved-metrics', runId, metricsCsv: null, error: `run ${runId} has no saved checkpoint (${this.deps.store.where})` });
        return;
      }
      this.deps.post({ type: 'saved-metrics', runId, metricsCsv: parseCheckpoint(bytes).metricsCsv });
    } catch (e) {
      this.deps.post({ type: 'saved-metrics', runId, metricsCsv: null, error: `the checkpoint of run ${runId} could not be read: ${(e as Error).message}` });
    }
  }

  private async exportRun(requestId: number): Promise<void> {
    if (!this.trainer) {
      this.deps.post({ type: 'export', requestId, run: null, error: 'there is no run to export: start or resume one first' });
      return;
    }
    const wasRunning = await this.halt();
    const t = this.trainer;
    const { weights, moments } = await readTrainerState(t);
    const run = {
      runId: this.runId, config: t.config, step: t.step, metricsCsv: this.metrics.toCsv(),
      weights: weights.map((w): [string, Float32Array] => [w.name, w.data]),
      optimizer: { step: t.optimizer.stepCount, expAvg: moments.map((x): [string, Float32Array] => [x.name, x.m]), expAvgSq: moments.map((x): [string, Float32Array] => [x.name, x.v]) },
    };
    this.deps.post({ type: 'export', requestId, run });
    if (wasRunning) this.continueRunning();
  }

  /** Stop the loop between two steps and wait for it; says whether it was running. */
  private async halt(): Promise<boolean> {
    const wasRunning = this.state === 'running';
    this.state = 'paused';
    while (this.looping) await this.deps.yieldToEvents();
    return wasRunning;
  }

  /** Go on training after `halt()` (without a state message: nothing changed for the page). */
  private continueRunning(): void {
    this.state = 'running';
    void this.loop();
  }

  private summary(state: RunState = this.state, step = this.trainer!.step): RunSummary {
    const t = this.trainer!;
    return { runId: this.runId, name: this.runId, config: t.config, step, updatedAt: Date.now(), bestValAccuracy: this.bestValAccuracy, testAccuracy: this.testAccuracy, state };
  }

  private async checkpoint(kind: 'latest' | 'best' = 'latest'): Promise<void> {
    const t = this.trainer!;
    const bytes = await captureCheckpoint(t, { metricsCsv: this.metrics.toCsv(), bestValAccuracy: this.bestValAccuracy });
    if (kind === 'latest') this.lastCheckpoint = { bytes, step: t.step };
    await this.deps.store.save(this.runId, kind, bytes, this.summary());
    this.deps.post({ type: 'checkpoint', runId: this.runId, step: t.step, bytes: bytes.length });
  }

  private flushMetrics(force = false): void {
    const now = this.deps.now();
    if (this.outbox.length === 0 || (!force && now - this.lastPost < 200)) return;
    this.deps.post({ type: 'metrics', runId: this.runId, rows: this.outbox });
    this.outbox = [];
    this.lastPost = now;
  }

  private record(values: StepValues[], phases: PhaseTimes | null = null): void {
    const t = this.trainer!;
    const now = this.deps.now();
    const steps = Math.max(1, t.step - this.lastRead.step);
    const msPerStep = (now - this.lastRead.time) / steps;
    this.lastRead = { time: now, step: t.step };
    const seqs = t.config.batchSize * (t.config.twoTower ? 2 : 1);
    const mem = t.backend.memory();
    for (const v of values) {
      const row: MetricRow = {
        step: v.step, wallMs: now - this.runStart, taskLoss: v.taskLoss, contrastiveLoss: v.contrastiveLoss, loss: v.loss,
        trainAccuracy: v.trainAccuracy, lr: v.lr, beta1: v.beta1, msPerStep, seqsPerSec: (1000 * seqs) / msPerStep,
        tokensPerSec: (1000 * seqs * t.config.seqLen) / msPerStep,
        memWeights: mem.inUse.weights, memGradients: mem.inUse.gradients, memOptimizer: mem.inUse.optimizer,
        memActivations: mem.inUse.activations, memScratch: mem.inUse.scratch, memPeak: mem.peak, jsHeap: this.deps.jsHeap?.(),
        memPeakWeights: mem.peakByCategory.weights, memPeakGradients: mem.peakByCategory.gradients, memPeakOptimizer: mem.peakByCategory.optimizer,
        memPeakActivations: mem.peakByCategory.activations, memPeakScratch: mem.peakByCategory.scratch,
        gpuMsForward: phases?.forward, gpuMsBackward: phases?.backward, gpuMsOptimizer: phases?.optimizer,
      };
      this.metrics.append(row);
      this.outbox.push(row);
    }
    this.flushMetrics();
  }

  private async evaluate(split: 'validation' | 'test', batches?: number): Promise<void> {
    const t = this.trainer!;
    const r = await t.evaluate(split, batches);
    const best = split === 'validation' && (this.bestValAccuracy === null || r.accuracy > this.bestValAccuracy);
    if (split === 'validation') {
      const row: MetricRow = { step: t.step, valLoss: r.loss, valAccuracy: r.accuracy };
      this.metrics.append(row);
      this.outbox.push(row);
    } else this.testAccuracy = r.accuracy;
    if (best) this.bestValAccuracy = r.accuracy;
    this.deps.post({ type: 'eval', runId: this.runId, split, step: t.step, loss: r.loss, accuracy: r.accuracy, best });
    if (best) await this.checkpoint('best');
  }

  /** LRA protocol at the end: the best validation checkpoint is evaluated once on the test split. */
  private async finish(): Promise<void> {
    const t = this.trainer!;
    if (t.step % t.config.evalEvery !== 0) await this.evaluate('validation', t.config.evalSteps);
    await this.checkpoint('latest');
    const finalStep = t.step;
    const best = await this.deps.store.load(this.runId, 'best');
    if (best) restoreCheckpoint(t, parseCheckpoint(best));
    await this.evaluate('test');
    this.flushMetrics(true);
    await this.deps.store.save(this.runId, 'latest', this.lastCheckpoint!.bytes, this.summary('finished', finalStep));
    this.setState('finished', `test accuracy ${(100 * (this.testAccuracy ?? 0)).toFixed(2)}% (best validation checkpoint)`);
  }

  private async recoverFromDeviceLoss(): Promise<void> {
    const from = this.lastCheckpoint;
    this.fail('device-lost', `the GPU device was lost at step ${this.trainer?.step ?? 0}; resuming from ${from ? `the checkpoint of step ${from.step}` : 'the start'} on a new device`, true);
    this.trainer = null; // its buffers died with the device
    await this.rebuild(this.config!, from?.bytes ?? null);
    this.pendingFailure = null;
    this.lastRead = { time: this.deps.now(), step: this.trainer!.step };
  }

  private async loop(): Promise<void> {
    if (this.looping || !this.trainer) return;
    this.looping = true;
    try {
      while (this.trainer && (this.state === 'running' || this.stepBudget > 0)) {
        const t = this.trainer;
        if (t.step >= t.config.steps) {
          await this.finish();
          break;
        }
        if (this.deviceLost) throw new Error('device lost');
        t.trainStep();
        if (this.stepBudget > 0) this.stepBudget--;
        const step = t.step;
        const evalDue = step % t.config.evalEvery === 0;
        const ckptDue = step % t.config.checkpointEvery === 0;
        const pausing = this.state !== 'running' && this.stepBudget === 0;
        const due = step - this.lastRead.step >= READ_EVERY_STEPS || this.deps.now() - this.lastRead.time >= READ_INTERVAL_MS || evalDue || ckptDue || pausing || step >= t.config.steps;
        if (due) {
          const { values, finite } = await this.withDeviceWatch(t.readPending());
          const phases = await this.withDeviceWatch(this.kernelTimes.collect((t.backend as { timer?: KernelTimer }).timer, values.length));
          if (phases) this.deps.post({ type: 'kernels', runId: this.runId, kernels: this.kernelTimes.top() });
          this.record(values, phases);
          if (!finite) {
            this.state = 'paused';
            this.stepBudget = 0;
            this.setState('paused', `non-finite loss at step ${step}`);
            const bad = values.find((v) => !Number.isFinite(v.loss));
            const what = bad ? `the loss became ${bad.loss}` : 'a weight became NaN or infinite';
            this.fail('non-finite-loss', `${what} by step ${step}. Resume from the checkpoint of step ${this.lastCheckpoint?.step ?? 0} with a lower learning rate.`, this.lastCheckpoint !== null);
            break;
          }
        }
        if (evalDue) await this.withDeviceWatch(this.evaluate('validation', t.config.evalSteps));
        if (ckptDue) await this.withDeviceWatch(this.checkpoint());
        if (pausing) {
          this.flushMetrics(true);
          this.setState('paused');
        }
        await this.deps.yieldToEvents();
      }
    } catch (e) {
      if (this.deviceLost) {
        this.looping = false;
        await this.recoverFromDeviceLoss();
        if (this.state === 'running') return this.loop();
        return;
      }
      this.setState('failed', (e as Error).message);
      this.fail('internal', (e as Error).message, this.lastCheckpoint !== null);
    } finally {
      this.looping = false;
    }
  }

  /** A read on a lost device may never settle: race it against the loss. */
  private withDeviceWatch<T>(p: Promise<T>): Promise<T> {
    const lost = this.gpu?.lost;
    if (!lost) return p;
    return Promise.race([p, lost.then((err) => Promise.reject(err))]);
  }
}
