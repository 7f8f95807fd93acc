/**
 * A short training run on a toy task, for the tests and the benchmark: "majority" (as
 * python/proxyformer/toy_train.py): ids 1…3 with a padded tail of random length, the label is
 * the id that occurs most often among the valid tokens (the smaller id on ties). Chance
 * cross-entropy is ln 3 ≈ 1.099. AdamW (β 0.9/0.999, eps 1e-6, no weight decay) with the
 * one-cycle schedule; the model's `weightsVersion` is bumped after every step.
 */
import { AdamW, OneCycleLR, backward, intTensor, scope, tensor, type Backend } from '../../engine';
import type { ModelConfig } from '../../config';
import { buildModel } from '../model';
import type { ModelBatch } from '../types';
import { uniformStream } from '../../engine/cpu/random';

export const MAJORITY_CLASSES = 3;

/** Host arrays of one majority batch. */
function majorityBatch(next: () => number, b: number, n: number): { tokens: Int32Array; mask: Float32Array; labels: Int32Array } {
  const tokens = new Int32Array(b * n);
  const mask = new Float32Array(b * n);
  const labels = new Int32Array(b);
  for (let row = 0; row < b; row++) {
    const length = Math.floor(n / 2) + Math.floor(next() * (n - Math.floor(n / 2) + 1));
    const counts = [0, 0, 0];
    for (let i = 0; i < length; i++) {
      const id = 1 + Math.floor(next() * MAJORITY_CLASSES);
      tokens[row * n + i] = id;
      mask[row * n + i] = 1;
      counts[id - 1]++;
    }
    labels[row] = counts.indexOf(Math.max(...counts));
  }
  return { tokens, mask, labels };
}

export interface ToyRun {
  /** Mean task loss of the first and of the last `window` steps. */
  first: number;
  last: number;
  /** Accuracy on 256 fresh examples (evaluation, no dropout). */
  accuracy: number;
}

/** Train `config` (vocab 4, 3 classes) for `steps` steps of batch `b` on `backend`. */
export async function trainMajority(
  backend: Backend,
  config: ModelConfig,
  opts: { steps: number; batch: number; lr: number; seed?: number; window?: number },
): Promise<ToyRun> {
  const seed = opts.seed ?? 0;
  const model = buildModel(backend, config, seed);
  const n = config.seqLen;
  const optimizer = new AdamW(model.params.params(), { lr: opts.lr, eps: 1e-6, weightDecay: 0 });
  const schedule = new OneCycleLR({ maxLr: opts.lr, totalSteps: opts.steps, pctStart: 0.1, cycleMomentum: false });
  const next = uniformStream(seed + 1);
  const toTensors = (h: ReturnType<typeof majorityBatch>, rows: number): ModelBatch => ({
    tokens: intTensor(backend, h.tokens, [rows, n]),
    mask: tensor(backend, h.mask, [rows, n]),
    labels: intTensor(backend, h.labels, [rows]),
  });
  const losses: number[] = [];
  for (let step = 0; step < opts.steps; step++) {
    const loss = scope(() => {
      model.params.zeroGrad();
      const r = model.forward(toTensors(majorityBatch(next, opts.batch, n), opts.batch), {
        train: true,
        dropoutSeed: seed * 100_003 + step,
      });
      backward(r.loss!);
      optimizer.step({ lr: schedule.at(step).lr });
      model.weightsChanged();
      return r.taskLoss!;
    });
    losses.push(await loss.item());
    loss.dispose();
  }
  const test = majorityBatch(uniformStream(seed + 2), 256, n);
  const logits = await scope(() => model.forward(toTensors(test, 256), { train: false }).logits).read();
  let correct = 0;
  for (let row = 0; row < 256; row++) {
    const z = Array.from(logits.subarray(row * MAJORITY_CLASSES, (row + 1) * MAJORITY_CLASSES));
    if (z.indexOf(Math.max(...z)) === test.labels[row]) correct++;
  }
  model.dispose();
  const window = Math.min(opts.window ?? 20, opts.steps);
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  return { first: mean(losses.slice(0, window)), last: mean(losses.slice(-window)), accuracy: correct / 256 };
}
