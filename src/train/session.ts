/**
 * A training session: the state machine behind the worker (and the tests, and nothing else
 * needs a Worker to drive it). It takes `ToWorker` commands, runs the training loop, streams
 * `FromWorker` messages, evaluates every `evalEvery` steps, checkpoints every
 * `checkpointEvery` steps, and recovers from the failures the runtime knows:
 * - a non-finite loss pauses the run at the read that sees it, and `resume` (with `lrScale`)
 *   restarts from the last checkpoint with a lower learning rate;
 * - a lost device is reported, a new one is requested, and the run continues from its last
 *   checkpoint (losing at most the steps since then);
 * - a model over the device's limits is refused before training, with the numbers;
 * - a full storage pauses the run, its state intact, and offers only checkpoints that were saved.
 */
import { validateConfig, type RunConfig } from '../config';
import { ModelConfigError } from '../model/validate';
import type { TaskSource } from '../data';
import { captureCheckpoint, captureRunExport, loadBestExport, parseCheckpoint, restoreCheckpoint } from './checkpoint';
import type { BackendHandle } from './backendFactory';
import { MemoryPlanError, type RequestedLimits } from './memoryPlan';
import type { BackendChoice, FailureKind, FromWorker, RunState, RunSummary, ToWorker, ViewsPayload } from './protocol';
import type { CheckpointStore } from './store/types';
import type { KernelTimer } from '../engine/webgpu/timing';
import { loadImport } from './importRun';
import { openSavedRun } from './resumeRun';
import { checkRunId } from './store/types';
import { runSummary, saveCheckpoint } from './saveCheckpoint';
import { KernelTimes } from './kernelTimes';
import type { MetricsBuffer } from '../io/metrics';
import { answerViews, ViewsGate } from './answerViews';
import { planUpdate } from './liveUpdate';
import { RunLog } from './runLog';
import { answerSavedRuns } from './savedRuns';
import { SessionBackend } from './sessionBackend';
import { Trainer } from './trainer';

export interface SessionDeps {
  post(msg: FromWorker): void;
  /** `limits`: buffer limits above the defaults that the run's memory plan needs (null: the defaults). */
  createBackend(choice: BackendChoice, limits?: RequestedLimits | null): Promise<BackendHandle>;
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

type StartCommand = Extract<ToWorker, { type: 'start' }>;

export class TrainingSession {
  state: RunState = 'idle';
  trainer: Trainer | null = null;
  private readonly log: RunLog;
  private readonly backend: SessionBackend;
  /** The config of the current run (survives the trainer when a device is lost; a resume's overrides applied). */
  private config: RunConfig | null = null;
  private task: TaskSource | null = null;
  private stepBudget = 0;
  private looping = false;
  private readonly viewsGate = new ViewsGate();
  private lastCheckpoint: { bytes: Uint8Array; step: number } | null = null;
  private bestValAccuracy: number | null = null;
  private testAccuracy: number | null = null;
  private pendingFailure: FailureKind | null = null;
  /** GPU time by phase and kernel of the current run (timestamp-query). */
  private readonly kernelTimes = new KernelTimes();

  constructor(private readonly deps: SessionDeps) {
    this.log = new RunLog(deps);
    this.backend = new SessionBackend(
      (c, l) => deps.createBackend(c, l),
      (m) => deps.post(m),
    );
  }

  /** Every metrics row of the current run (saved with its checkpoints). */
  get metrics(): MetricsBuffer {
    return this.log.metrics;
  }

  get runConfig(): RunConfig | null {
    return this.config;
  }

  private get runId(): string {
    return this.log.runId;
  }

  /** Handle one command; resolves when the command (not the run it starts) is done. */
  async handle(msg: ToWorker): Promise<void> {
    switch (msg.type) {
      case 'start':
        return this.start(msg);
      case 'pause':
        if (this.state !== 'running') return;
        await this.halt();
        this.log.flush(true);
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
        const where = this.deps.store.where;
        const saved = await this.stop();
        return this.setState(
          'idle',
          saved ? `stopped at step ${step}; its checkpoint is saved (${where}) and can be resumed from the run list` : undefined,
        );
      }
      case 'reset':
        await this.stop();
        this.metrics.clear();
        this.setState('idle');
        return;
      case 'update':
        return this.update(msg.changes);
      case 'views':
        return this.viewsGate.run(() => answerViews(this.deps, this.trainer, msg));
      case 'export':
        return this.exportRun(msg.requestId, msg.checkpoint ?? 'last');
      case 'list-runs':
      case 'saved-metrics':
      case 'delete-run':
      case 'annotate-run':
        return answerSavedRuns(this.deps.store, (m) => this.deps.post(m), msg, this.trainer ? this.runId : null);
    }
  }

  private setState(state: RunState, message?: string): void {
    this.state = state;
    this.deps.post({ type: 'state', state, step: this.trainer?.step ?? 0, totalSteps: this.trainer?.config.steps ?? 0, message });
  }

  private fail(kind: FailureKind, message: string, canResume: boolean): void {
    this.pendingFailure = kind;
    this.log.flush(true);
    const step = this.trainer?.step ?? 0;
    this.deps.post({ type: 'failure', kind, message, step, lastCheckpointStep: this.lastCheckpoint?.step ?? null, canResume });
  }

  private async start({ config: raw, runId, backend: choice, resume, from, overrides }: StartCommand): Promise<void> {
    await this.stop();
    this.setState('building');
    this.log.runId = runId;
    this.pendingFailure = null;
    this.bestValAccuracy = null;
    this.testAccuracy = null;
    this.lastCheckpoint = null;
    this.kernelTimes.clear();
    this.metrics.clear();
    try {
      checkRunId(runId);
      const saved = resume ? await openSavedRun(this.deps.store, runId, overrides) : null;
      const { config, ok, issues } = saved ? { config: saved.config, ok: true, issues: [] } : validateConfig(raw);
      if (!ok) throw new ModelConfigError(issues.filter((i) => i.severity === 'error').map((i) => i.message));
      this.config = config;
      const { handle, plan } = await this.backend.forRun(choice, config, runId);
      this.task = await this.deps.loadTask(config);
      this.trainer = new Trainer(handle.backend, config, this.task, { microBatches: plan.microBatches });
      if (saved) {
        restoreCheckpoint(this.trainer, saved.contents);
        this.log.restore(saved.contents.metrics);
        // The overridden learning rate, on the row of the resume step (config.json has the rest).
        if (saved.changed.includes('lr')) this.metrics.append({ step: saved.contents.step, resumeLr: config.lr });
        this.bestValAccuracy = saved.bestValAccuracy;
        this.lastCheckpoint = { bytes: saved.bytes, step: saved.contents.step };
      } else if (from) {
        loadImport(this.trainer, from);
        this.log.restore(from.metricsCsv, this.trainer.step);
      }
    } catch (e) {
      const err = e as Error;
      const overLimit = err instanceof MemoryPlanError || /limit|too large|maxStorageBufferBindingSize|maxBufferSize/i.test(err.message);
      this.trainer?.dispose();
      this.trainer = null;
      this.setState('failed', err.message);
      this.fail(overLimit ? 'over-limit' : err instanceof ModelConfigError ? 'invalid-config' : 'internal', err.message, false);
      return;
    }
    this.log.begin(this.trainer.step);
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
      this.log.markRead(this.trainer.step);
      this.setState('running');
      void this.loop();
    }
  }

  private async stop(): Promise<boolean> {
    const live = this.state === 'running' || this.state === 'paused';
    this.stepBudget = 0;
    await this.halt();
    const saved = this.trainer !== null && live && !this.backend.lost && (await this.checkpoint());
    this.log.flush(true);
    this.trainer?.dispose();
    this.trainer = null;
    return saved;
  }

  /** Rebuild the trainer (new config and/or new device) from checkpoint bytes. */
  private async rebuild(config: RunConfig, bytes: Uint8Array | null): Promise<void> {
    const handle = await this.backend.ensure(this.backend.choice);
    const contents = bytes ? parseCheckpoint(bytes) : null;
    this.trainer?.dispose();
    this.trainer = new Trainer(handle.backend, config, this.task!, { microBatches: this.backend.plan?.microBatches });
    this.config = config;
    if (contents) restoreCheckpoint(this.trainer, contents);
  }

  private async update(changes: Partial<RunConfig>): Promise<void> {
    const plan = planUpdate(this.trainer?.config ?? null, changes);
    if (plan?.kind === 'refused') {
      this.deps.post({ type: 'cold-change', keys: plan.keys, message: plan.message });
      return;
    }
    if (!plan || !this.trainer) return;
    if (plan.kind === 'in-place') {
      if (Object.keys(plan.modelChanges).length > 0) this.trainer.model.updateHot(plan.modelChanges);
      this.trainer.applyOptimizerSettings(changes);
      this.config = this.trainer.config;
      return;
    }
    // β2 and eps are fixed in the optimizer: rebuild it (and the model) around the same state.
    const wasRunning = await this.halt();
    await this.rebuild(plan.config, await captureCheckpoint(this.trainer, { bestValAccuracy: this.bestValAccuracy }));
    if (wasRunning) this.continueRunning();
  }

  /** The current run as it is now (`last`), or its best-validation checkpoint as saved (`best`). */
  private async exportRun(requestId: number, which: 'best' | 'last'): Promise<void> {
    const refuse = (error: string) => this.deps.post({ type: 'export', requestId, run: null, error });
    if (!this.trainer) return refuse('there is no run to export: start or resume one first');
    if (which === 'best') {
      const best = await loadBestExport(this.deps.store, this.runId, this.metrics);
      return typeof best === 'string' ? refuse(best) : this.deps.post({ type: 'export', requestId, run: best });
    }
    const wasRunning = await this.halt();
    const run = await captureRunExport(this.trainer, this.runId, this.metrics.toCsv());
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
    const { bestValAccuracy, testAccuracy } = this;
    return runSummary(this.runId, this.trainer!.config, step, { bestValAccuracy, testAccuracy }, state);
  }

  /** Save a checkpoint; false when the storage is full (the run is then paused, its state intact in memory). */
  private async checkpoint(kind: 'latest' | 'best' = 'latest'): Promise<boolean> {
    const t = this.trainer!;
    const bytes = await captureCheckpoint(t, { metrics: this.metrics, bestValAccuracy: this.bestValAccuracy });
    const result = await saveCheckpoint(this.deps.store, kind, bytes, this.summary());
    if (!result.saved) {
      // Only a saved checkpoint may be offered for resuming: lastCheckpoint stays the previous one.
      [this.state, this.stepBudget] = ['paused', 0];
      this.setState('paused', 'storage full: checkpoint not saved');
      this.fail('storage-full', result.full, false);
      return false;
    }
    if (kind === 'latest') this.lastCheckpoint = { bytes, step: t.step };
    this.deps.post({ type: 'checkpoint', runId: this.runId, step: t.step, bytes: bytes.length });
    return true;
  }

  private async evaluate(split: 'validation' | 'test', batches?: number): Promise<void> {
    const t = this.trainer!;
    const r = await t.evaluate(split, batches);
    const best = split === 'validation' && (this.bestValAccuracy === null || r.accuracy > this.bestValAccuracy);
    if (split === 'validation') {
      this.log.add({ step: t.step, valLoss: r.loss, valAccuracy: r.accuracy });
    } else this.testAccuracy = r.accuracy;
    if (best) this.bestValAccuracy = r.accuracy;
    this.deps.post({ type: 'eval', runId: this.runId, split, step: t.step, loss: r.loss, accuracy: r.accuracy, best });
    if (best) await this.checkpoint('best');
  }

  /** LRA protocol at the end: the best validation checkpoint is evaluated once on the test split. */
  private async finish(): Promise<void> {
    const t = this.trainer!;
    if (t.step % t.config.evalEvery !== 0) await this.evaluate('validation', t.config.evalSteps);
    if (this.state !== 'running' || !(await this.checkpoint('latest'))) return;
    const finalStep = t.step;
    const best = await this.deps.store.load(this.runId, 'best');
    if (best) restoreCheckpoint(t, parseCheckpoint(best));
    await this.evaluate('test');
    this.log.flush(true);
    await this.deps.store.save(this.runId, 'latest', this.lastCheckpoint!.bytes, this.summary('finished', finalStep));
    this.setState('finished', `test accuracy ${(100 * (this.testAccuracy ?? 0)).toFixed(2)}% (best validation checkpoint)`);
  }

  private async recoverFromDeviceLoss(): Promise<void> {
    const from = this.lastCheckpoint;
    this.fail(
      'device-lost',
      `the GPU device was lost at step ${this.trainer?.step ?? 0}; resuming from ${from ? `the checkpoint of step ${from.step}` : 'the start'} on a new device`,
      true,
    );
    this.trainer = null; // its buffers died with the device
    await this.rebuild(this.config!, from?.bytes ?? null);
    this.pendingFailure = null;
    this.log.markRead(this.trainer!.step);
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
        if (this.backend.lost) throw new Error('device lost');
        t.trainStep();
        if (this.backend.tuningDue) await this.backend.watch(this.backend.tunePending());
        if (this.stepBudget > 0) this.stepBudget--;
        const step = t.step;
        const evalDue = step % t.config.evalEvery === 0;
        const ckptDue = step % t.config.checkpointEvery === 0;
        const pausing = this.state !== 'running' && this.stepBudget === 0;
        if (this.log.readDue(step) || evalDue || ckptDue || pausing || step >= t.config.steps) {
          const { values, finite } = await this.backend.watch(t.readPending());
          const phases = await this.backend.watch(this.kernelTimes.collect((t.backend as { timer?: KernelTimer }).timer, values.length));
          if (phases) this.deps.post({ type: 'kernels', runId: this.runId, kernels: this.kernelTimes.top() });
          this.log.recordSteps(t, values, phases);
          if (!finite) {
            this.state = 'paused';
            this.stepBudget = 0;
            this.setState('paused', `non-finite loss at step ${step}`);
            const bad = values.find((v) => !Number.isFinite(v.loss));
            const what = bad ? `the loss became ${bad.loss}` : 'a weight became NaN or infinite';
            this.fail(
              'non-finite-loss',
              `${what} by step ${step}. Resume from the checkpoint of step ${this.lastCheckpoint?.step ?? 0} with a lower learning rate.`,
              this.lastCheckpoint !== null,
            );
            break;
          }
        }
        if (evalDue) await this.backend.watch(this.evaluate('validation', t.config.evalSteps));
        if (ckptDue) await this.backend.watch(this.checkpoint());
        if (pausing) {
          this.log.flush(true);
          this.setState('paused');
        }
        await this.deps.yieldToEvents();
        if (this.viewsGate.holding) await this.viewsGate.idle();
      }
    } catch (e) {
      if (this.backend.lost) {
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
}
