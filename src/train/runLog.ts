/**
 * The metrics log of a training session: every row of the run in `metrics` (full resolution,
 * saved in its checkpoints) and an outbox posted to the page at most every 200 ms. A step's row
 * joins the values read back (losses, accuracy, lr) with the step time measured between two
 * reads, the throughput, the pool's memory by category and the GPU time by phase.
 */
import { MetricsBuffer, type MetricRow } from '../io/metrics';
import type { PhaseTimes } from './kernelTimes';
import type { FromWorker } from './protocol';
import type { StepValues, Trainer } from './trainer';

export interface RunLogDeps {
  post(msg: FromWorker): void;
  now(): number;
  jsHeap?(): number | undefined;
}

/** Read values back at least this often (ms) or every so many steps. */
const READ_INTERVAL_MS = 250;
const READ_EVERY_STEPS = 16;
/** Post metrics at most this often (ms) unless forced. */
const POST_INTERVAL_MS = 200;

export class RunLog {
  readonly metrics = new MetricsBuffer();
  /** The run the rows belong to. */
  runId = '';
  /** When, and at which step, values were last read back: the step time is measured between reads. */
  lastRead = { time: 0, step: 0 };
  private outbox: MetricRow[] = [];
  private lastPost = 0;
  private runStart = 0;

  constructor(private readonly deps: RunLogDeps) {}

  /** Keep the rows of a checkpoint's metrics or an import's metrics.csv up to `lastStep`. */
  restore(metrics: MetricsBuffer | string, lastStep = Number.POSITIVE_INFINITY): void {
    const from = typeof metrics === 'string' ? MetricsBuffer.fromCsv(metrics || 'step\n') : metrics;
    for (let i = 0; i < from.length; i++) {
      const row = from.row(i);
      if (row.step <= lastStep) this.metrics.append(row);
    }
  }

  /** Start the clocks at `step` (a restored run's wall time goes on) and post the rows kept so far. */
  begin(step: number): void {
    this.runStart = this.deps.now() - (this.metrics.last('wallMs') || 0);
    this.markRead(step);
    if (this.metrics.length > 0) this.deps.post({ type: 'metrics', runId: this.runId, rows: this.metrics.rows() });
  }

  /** Measure the next step time from now (after a pause or a rebuild). */
  markRead(step: number): void {
    this.lastRead = { time: this.deps.now(), step };
  }

  /** Whether values are due to be read back after `step` (enough steps or time since the last read). */
  readDue(step: number): boolean {
    return step - this.lastRead.step >= READ_EVERY_STEPS || this.deps.now() - this.lastRead.time >= READ_INTERVAL_MS;
  }

  add(row: MetricRow): void {
    this.metrics.append(row);
    this.outbox.push(row);
  }

  flush(force = false): void {
    const now = this.deps.now();
    if (this.outbox.length === 0 || (!force && now - this.lastPost < POST_INTERVAL_MS)) return;
    this.deps.post({ type: 'metrics', runId: this.runId, rows: this.outbox });
    this.outbox = [];
    this.lastPost = now;
  }

  /** One row per step of `values` (the steps since the last read share its measured time). */
  recordSteps(t: Trainer, values: StepValues[], phases: PhaseTimes | null = null): void {
    const now = this.deps.now();
    const steps = Math.max(1, t.step - this.lastRead.step);
    const msPerStep = (now - this.lastRead.time) / steps;
    this.lastRead = { time: now, step: t.step };
    const seqs = t.config.batchSize * (t.config.twoTower ? 2 : 1);
    const mem = t.backend.memory();
    for (const v of values) {
      this.add({
        step: v.step,
        wallMs: now - this.runStart,
        taskLoss: v.taskLoss,
        contrastiveLoss: v.contrastiveLoss,
        loss: v.loss,
        trainAccuracy: v.trainAccuracy,
        lr: v.lr,
        beta1: v.beta1,
        msPerStep,
        seqsPerSec: (1000 * seqs) / msPerStep,
        tokensPerSec: (1000 * seqs * t.config.seqLen) / msPerStep,
        memWeights: mem.inUse.weights,
        memGradients: mem.inUse.gradients,
        memOptimizer: mem.inUse.optimizer,
        memActivations: mem.inUse.activations,
        memScratch: mem.inUse.scratch,
        memPeak: mem.peak,
        jsHeap: this.deps.jsHeap?.(),
        memPeakWeights: mem.peakByCategory.weights,
        memPeakGradients: mem.peakByCategory.gradients,
        memPeakOptimizer: mem.peakByCategory.optimizer,
        memPeakActivations: mem.peakByCategory.activations,
        memPeakScratch: mem.peakByCategory.scratch,
        gpuMsForward: phases?.forward,
        gpuMsBackward: phases?.backward,
        gpuMsOptimizer: phases?.optimizer,
      });
    }
    this.flush();
  }
}
