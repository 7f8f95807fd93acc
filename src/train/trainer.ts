/**
 * The training loop's core, shared by the browser worker, the command line and the tests:
 * one model, AdamW, global-norm clipping and the one-cycle schedule on one backend.
 *
 * `trainStep()` records a whole step (forward, backward, clipping, AdamW) and never waits for
 * the device; the values it produced are kept on the device and read together by
 * `readPending()`, which the caller invokes every k steps. Everything random in a step is a
 * function of (seeds, step): the batch is `task.batch('train', step)`, the dropout seed is
 * `dropoutSeedFor(initSeed, step)`. A run restored from a checkpoint therefore continues
 * exactly as if it had never stopped.
 *
 * With `microBatches` k > 1 a step runs the batch as k slices and accumulates their gradients
 * before the one optimizer step (src/train/microBatch.ts): the same step as the whole batch up
 * to float rounding, with the memory of a batch of B/k.
 */
import { AdamW, GradClipper, OneCycleLR, Tensor, add, backward, concat, noGrad, scale, scope, type Backend } from '../engine';
import { pcgHash } from '../engine/cpu/random';
import type { RunConfig } from '../config';
import { buildModel, type Model } from '../model/model';
import type { ModelBatch } from '../model/types';
import type { Batch, Split, TaskSource } from '../data';
import { sliceBatch, sliceExamples } from './microBatch';

/** The dropout seed of a step: a hash, so consecutive steps draw unrelated masks. */
export function dropoutSeedFor(initSeed: number, step: number): number {
  return pcgHash((pcgHash(initSeed >>> 0) ^ Math.imul(step + 1, 0x9e3779b9)) >>> 0);
}

/** One step's values after the read-back. */
export interface StepValues {
  step: number;
  loss: number;
  taskLoss: number;
  contrastiveLoss: number;
  lr: number;
  beta1: number;
  /** Only for the last step of each read (its logits are kept, the others' are not). */
  trainAccuracy?: number;
}

interface Pending {
  step: number;
  lr: number;
  beta1: number;
  loss: Tensor;
  taskLoss: Tensor;
  contrastiveLoss: Tensor;
  logits: Tensor | null;
  labels: Int32Array;
}

/** What one read-back returns: the values of every step since the last read, and a health check. */
export interface ReadResult {
  values: StepValues[];
  /**
   * False when any loss or any weight is NaN or ±Inf. The weights are checked too because a
   * NaN can hide behind a ReLU (max(NaN, 0) is 0 on GPUs), leaving a finite loss on dead weights.
   */
  finite: boolean;
}

export interface EvalResult {
  loss: number;
  accuracy: number;
  examples: number;
}

/** Upload a data batch into tensors on the backend (pool buffers: no new GPU allocation once warm). */
function uploadBatch(backend: Backend, b: Batch): ModelBatch {
  const shape = [b.batchSize, b.seqLen];
  const out: ModelBatch = {
    tokens: Tensor.fromArray(backend, b.tokens, shape, { dtype: 'i32', label: 'batch.tokens' }),
    mask: Tensor.fromArray(backend, b.mask, shape, { label: 'batch.mask' }),
    labels: Tensor.fromArray(backend, b.labels, [b.batchSize], { dtype: 'i32', label: 'batch.labels' }),
  };
  if (b.tokens2 && b.mask2) {
    out.tokens2 = Tensor.fromArray(backend, b.tokens2, shape, { dtype: 'i32', label: 'batch.tokens2' });
    out.mask2 = Tensor.fromArray(backend, b.mask2, shape, { label: 'batch.mask2' });
  }
  return out;
}

/** Correct predictions of logits [B, C] (row-major) against labels. */
export function countCorrect(logits: ArrayLike<number>, labels: Int32Array, classes: number): number {
  let correct = 0;
  for (let b = 0; b < labels.length; b++) {
    let best = 0;
    for (let c = 1; c < classes; c++) if (logits[b * classes + c] > logits[b * classes + best]) best = c;
    if (best === labels[b]) correct++;
  }
  return correct;
}

function makeSchedule(c: RunConfig): OneCycleLR {
  // No warm-up (0) reads as a one-step warm-up: OneCycleLR runs a zero-length warm-up's only
  // step at the peak, so the first step runs at lr and the decay follows. PyTorch's
  // pct_start 0 would instead start one decay step below the peak.
  const warmup = Math.max(1, Math.min(c.warmupSteps, c.steps));
  return new OneCycleLR({
    maxLr: c.lr,
    totalSteps: c.steps,
    pctStart: warmup / c.steps,
    divFactor: c.divFactor,
    finalDivFactor: c.finalDivFactor,
    cycleMomentum: c.cycleMomentum,
  });
}

/**
 * Whether Performer's random features are redrawn before training step `step` (0-based):
 * every performerRedraw steps, never before the first step (the init draw) and never on the
 * evaluation path (docs/model-contract.md). The new draw is deterministic in (initSeed, step).
 */
export function redrawDue(c: Pick<RunConfig, 'attention' | 'performerRedraw'>, step: number): boolean {
  return c.attention === 'performer' && c.performerRedraw > 0 && step > 0 && step % c.performerRedraw === 0;
}

export interface TrainerOptions {
  /** Split each batch into this many equal micro-batches (must divide batchSize); default: the config's microBatches, else 1. */
  microBatches?: number;
}

export class Trainer {
  readonly model: Model;
  /** Micro-batches per step (1: the whole batch at once). */
  readonly microBatches: number;
  readonly optimizer: AdamW;
  readonly clipper: GradClipper;
  private schedule: OneCycleLR;
  /** Steps completed. */
  step = 0;
  /** Multiplies the scheduled learning rate (a resume after a non-finite loss lowers it). */
  lrScale = 1;
  private pending: Pending[] = [];
  /** One element: set to 1 by `checkFinite` when a weight is NaN or ±Inf. */
  private readonly nonFiniteFlag: Tensor;

  constructor(
    readonly backend: Backend,
    public config: RunConfig,
    readonly task: TaskSource,
    options: TrainerOptions = {},
  ) {
    const k = options.microBatches ?? (config.microBatches > 0 ? config.microBatches : 1);
    if (!Number.isInteger(k) || k < 1 || config.batchSize % k !== 0)
      throw new Error(`microBatches ${k} does not divide batchSize ${config.batchSize}: use a divisor of ${config.batchSize}`);
    this.microBatches = k;
    // The model (and its device check) is sized for one micro-batch.
    this.model = buildModel(backend, { ...config, microBatches: 1 }, config.initSeed, { batchSize: config.batchSize / k });
    this.optimizer = new AdamW(this.model.params.params(), {
      lr: config.lr,
      beta1: config.beta1,
      beta2: config.beta2,
      eps: config.adamEps,
      weightDecay: config.weightDecay,
    });
    this.clipper = new GradClipper(backend);
    this.schedule = makeSchedule(config);
    this.nonFiniteFlag = Tensor.empty(backend, [1], { category: 'scratch', label: 'weights non-finite flag' });
  }

  /** The learning rate and β1 that step `step` (0-based) uses. */
  scheduled(step: number): { lr: number; beta1: number } {
    const s = this.schedule.at(Math.min(step, this.schedule.totalSteps));
    return { lr: s.lr * this.lrScale, beta1: s.beta1 ?? this.config.beta1 };
  }

  /** Record one training step: forward, backward, clipping, AdamW. No read-back. */
  trainStep(): void {
    const step = this.step;
    const data = this.task.batch('train', step, this.config.batchSize);
    const { lr, beta1 } = this.scheduled(step);
    const timer = (this.backend as { timer?: { phase: string } }).timer;
    const phase = (name: string) => {
      if (timer) timer.phase = name;
    };
    if (redrawDue(this.config, step)) this.model.redrawFeatures(this.config.initSeed, step);
    const k = this.microBatches;
    const dropoutSeed = dropoutSeedFor(this.config.initSeed, step);
    const kept = scope(() => {
      this.model.params.zeroGrad();
      const passes: { loss: Tensor; taskLoss: Tensor; contrastiveLoss: Tensor; logits: Tensor }[] = [];
      for (let part = 0; part < k; part++) {
        // Each pass in its own scope: its activations are freed before the next pass starts.
        passes.push(
          scope(() => {
            const batch = uploadBatch(this.backend, sliceBatch(data, part, k));
            phase('forward');
            const r = this.model.forward(batch, { train: true, dropoutSeed, microBatch: k > 1 ? { part, parts: k } : undefined });
            phase('backward');
            // Its share of the whole batch's mean loss (see microBatch.ts).
            backward(k > 1 ? scale(r.loss!, 1 / k) : r.loss!);
            return { loss: r.loss!, taskLoss: r.taskLoss!, contrastiveLoss: r.contrastiveLoss, logits: r.logits };
          }),
        );
      }
      // The reported values are the whole batch's means: Σ over passes of value / k.
      const mean = (pick: (p: (typeof passes)[number]) => Tensor) =>
        k === 1 ? pick(passes[0]) : noGrad(() => passes.map((p) => scale(pick(p), 1 / k)).reduce((a, b) => add(a, b)));
      const out = {
        loss: mean((p) => p.loss),
        taskLoss: mean((p) => p.taskLoss),
        contrastiveLoss: mean((p) => p.contrastiveLoss),
        logits: passes.map((p) => p.logits),
      };
      phase('optimizer');
      const coefficient = this.clipper.compute(this.model.params.params(), this.config.gradClip, this.optimizer.gradientGroup());
      this.optimizer.step({ lr, beta1, gradScale: coefficient });
      phase('');
      const logits = out.logits.length === 1 ? out.logits[0] : noGrad(() => concat(out.logits, 0));
      return { loss: out.loss, taskLoss: out.taskLoss, contrastiveLoss: out.contrastiveLoss, logits };
    });
    this.model.weightsChanged();
    this.step = step + 1;
    // Only the newest step's logits are needed (train accuracy at the read); free older ones now.
    const previous = this.pending[this.pending.length - 1];
    if (previous?.logits) {
      previous.logits.dispose();
      previous.logits = null;
    }
    this.pending.push({ step: this.step, lr, beta1, ...kept, labels: data.labels });
    this.backend.flush();
  }

  /** Read the values of every step since the last read, and whether losses and weights are finite (one wait for the device). */
  async readPending(): Promise<ReadResult> {
    const pending = this.pending;
    this.pending = [];
    this.backend.fill(this.nonFiniteFlag.buf, 0);
    // Every weight in one kernel when they share a group (the gaps between them are zeros).
    const weights = this.optimizer.parameterGroup();
    if (weights) this.backend.checkFinite(weights, this.nonFiniteFlag.buf);
    else for (const p of this.model.params.params()) this.backend.checkFinite(p.buf, this.nonFiniteFlag.buf);
    const flag = this.nonFiniteFlag.item();
    const values = await Promise.all(
      pending.map(async (p) => {
        const [loss, taskLoss, contrastiveLoss] = await Promise.all([p.loss.item(), p.taskLoss.item(), p.contrastiveLoss.item()]);
        let trainAccuracy: number | undefined;
        if (p.logits) trainAccuracy = countCorrect(await p.logits.read(), p.labels, this.task.numClasses) / p.labels.length;
        return { step: p.step, loss, taskLoss, contrastiveLoss, lr: p.lr, beta1: p.beta1, trainAccuracy };
      }),
    );
    for (const p of pending) for (const t of [p.loss, p.taskLoss, p.contrastiveLoss, p.logits]) t?.dispose();
    const weightsFinite = (await flag) === 0;
    return { values, finite: weightsFinite && values.every((v) => Number.isFinite(v.loss)) };
  }

  /** Mean loss and accuracy over `batches` batches of a split (all of it when batches is omitted). */
  async evaluate(split: Split, batches?: number): Promise<EvalResult> {
    const B = this.config.batchSize;
    const count = batches ?? Math.ceil(this.task.splitSizes[split] / B);
    let lossSum = 0;
    let correct = 0;
    let examples = 0;
    for (let i = 0; i < count; i++) {
      const whole = this.task.batch(split, i, B);
      // The same examples as a whole batch, in slices no larger than the micro-batch the model was sized for.
      const size = B / this.microBatches;
      for (let start = 0; start < whole.batchSize; start += size) {
        const data = sliceExamples(whole, start, Math.min(size, whole.batchSize - start));
        const { loss, logits } = noGrad(() =>
          scope(() => {
            const out = this.model.forward(uploadBatch(this.backend, data), { train: false });
            return { loss: out.taskLoss!, logits: out.logits };
          }),
        );
        const [l, z] = await Promise.all([loss.item(), logits.read()]);
        loss.dispose();
        logits.dispose();
        lossSum += l * data.batchSize;
        correct += countCorrect(z, data.labels, this.task.numClasses);
        examples += data.batchSize;
      }
    }
    return { loss: lossSum / examples, accuracy: correct / examples, examples };
  }

  /** Apply hot settings that need no rebuild: learning rate (the schedule's peak), weight decay, clipping. */
  applyOptimizerSettings(changes: Partial<RunConfig>): void {
    this.config = { ...this.config, ...changes };
    this.optimizer.weightDecay = this.config.weightDecay;
    if (changes.lr !== undefined) this.schedule = makeSchedule(this.config);
  }

  dispose(): void {
    for (const p of this.pending) for (const t of [p.loss, p.taskLoss, p.contrastiveLoss, p.logits]) t?.dispose();
    this.pending = [];
    this.optimizer.dispose();
    this.clipper.dispose();
    this.nonFiniteFlag.dispose();
    this.model.dispose();
  }
}
