/**
 * Gradient accumulation over micro-batches is the whole batch's step up to float rounding:
 * after one step, the gradients, the reported loss and the updated weights of a batch of 8 run
 * as 4 × 2 (and 2 × 4) match the batch run at once, with dropout drawn (the same masks, sliced)
 * and Proxyformer's contrastive loss in the objective; and the smaller passes need less memory.
 */
import { describe, expect, it } from 'vitest';
import type { RunConfig } from '../config';
import { CpuBackend } from '../engine';
import { microBatchCounts, sliceBatch } from './microBatch';
import { taskFor } from './taskFromConfig';
import { tinyConfig } from './testing';
import { Trainer } from './trainer';

interface StepResult {
  grads: Map<string, Float32Array | Float64Array>;
  weights: Map<string, Float32Array | Float64Array>;
  loss: number;
  contrastiveLoss: number;
  trainAccuracy: number;
  peak: number;
}

async function oneStep(config: RunConfig, microBatches: number): Promise<StepResult> {
  const be = new CpuBackend('f32');
  const trainer = new Trainer(be, config, await taskFor(config), { microBatches });
  expect(trainer.microBatches).toBe(microBatches);
  trainer.trainStep();
  const [values] = (await trainer.readPending()).values;
  const grads = new Map<string, Float32Array | Float64Array>();
  const weights = new Map<string, Float32Array | Float64Array>();
  for (const [name, t] of trainer.model.params.entries()) {
    weights.set(name, (await t.read()) as Float32Array);
    if (t.grad) grads.set(name, (await t.grad.read()) as Float32Array);
  }
  const peak = be.memory().peak;
  trainer.dispose();
  return { grads, weights, loss: values.loss, contrastiveLoss: values.contrastiveLoss, trainAccuracy: values.trainAccuracy!, peak };
}

/** ‖a − b‖ / ‖b‖ over one tensor (absolute when b is zero). */
function relativeError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let diff = 0;
  let norm = 0;
  for (let i = 0; i < b.length; i++) {
    diff += (a[i] - b[i]) ** 2;
    norm += b[i] ** 2;
  }
  return norm === 0 ? Math.sqrt(diff) : Math.sqrt(diff / norm);
}

function expectClose(a: Map<string, ArrayLike<number>>, b: Map<string, ArrayLike<number>>, tolerance: number): void {
  expect([...a.keys()]).toEqual([...b.keys()]);
  for (const [name, values] of b) {
    const error = relativeError(a.get(name)!, values);
    if (error > tolerance) throw new Error(`${name}: relative error ${error.toExponential(2)} over ${tolerance}`);
  }
}

const CASES: [string, RunConfig][] = [
  [
    'Proxyformer, dropout and decomposed dropout drawn, contrastive loss on',
    tinyConfig('proxy', { batchSize: 8, dropout: 0.1, decomposedDropoutRate: 0.2, contrastiveWeight: 0.5 }),
  ],
  [
    'Proxyformer, injection none (a per-step contrastive term)',
    tinyConfig('proxy', { batchSize: 8, injection: 'none', contrastiveWeight: 0.5 }),
  ],
  ['softmax, attention dropout', tinyConfig('softmax', { batchSize: 8, dropout: 0.1, attentionDropout: 0.1 })],
  ['Nyströmformer, per-matrix pseudo-inverse init', tinyConfig('nystrom', { batchSize: 8, dropout: 0.1, pinvInit: 'per-matrix' })],
  [
    'Reformer, rotations drawn for the step (shared by its micro-batches), attention dropout',
    tinyConfig('reformer', { batchSize: 8, reformerChunk: 4, dropout: 0.1, attentionDropout: 0.1 }),
  ],
];

describe('micro-batching (CPU reference backend)', () => {
  for (const [name, config] of CASES) {
    it(`${name}: 4 × 2 and 2 × 4 give the gradients and the step of the batch of 8`, async () => {
      const whole = await oneStep(config, 1);
      for (const k of [4, 2]) {
        const split = await oneStep(config, k);
        expectClose(split.grads, whole.grads, 1e-5);
        expectClose(split.weights, whole.weights, 1e-5);
        expect(split.loss).toBeCloseTo(whole.loss, 5);
        expect(split.contrastiveLoss).toBeCloseTo(whole.contrastiveLoss, 5);
        expect(split.trainAccuracy).toBe(whole.trainAccuracy);
      }
    });
  }

  it("Nyströmformer's global pseudo-inverse init scales by each micro-batch's max: close to, not equal to, the whole batch", async () => {
    const config = tinyConfig('nystrom', { batchSize: 8, pinvInit: 'global' });
    const whole = await oneStep(config, 1);
    const split = await oneStep(config, 4);
    expect(() => expectClose(split.grads, whole.grads, 1e-5)).toThrow(/relative error/);
    expectClose(split.grads, whole.grads, 3e-2);
  });

  it('the accumulated step differs from the first micro-batch alone (the comparison can fail)', async () => {
    const config = CASES[0][1];
    const whole = await oneStep(config, 1);
    const half = await oneStep({ ...config, batchSize: 4 }, 1); // only the first 4 examples
    expect(() => expectClose(half.grads, whole.grads, 1e-5)).toThrow(/relative error/);
  });

  it('smaller passes peak lower: 4 × 8 needs less than a batch of 32', async () => {
    const config = tinyConfig('softmax', { batchSize: 32, seqLen: 64 });
    const whole = await oneStep(config, 1);
    const split = await oneStep(config, 4);
    expect(split.peak).toBeLessThan(whole.peak * 0.5);
  });

  it('refuses a count that does not divide the batch, naming the divisors', async () => {
    const config = tinyConfig('softmax', { batchSize: 6 });
    await expect(async () => new Trainer(new CpuBackend('f32'), config, await taskFor(config), { microBatches: 4 })).rejects.toThrow(
      'microBatches 4 does not divide batchSize 6',
    );
    expect(microBatchCounts(12)).toEqual([1, 2, 3, 4, 6, 12]);
  });

  it('slices are views of consecutive examples', () => {
    const n = 3;
    const b = {
      batchSize: 4,
      seqLen: n,
      tokens: Int32Array.from({ length: 12 }, (_, i) => i),
      mask: new Float32Array(12).fill(1),
      labels: Int32Array.from([0, 1, 2, 3]),
    };
    const part = sliceBatch(b, 1, 2);
    expect([...part.tokens]).toEqual([6, 7, 8, 9, 10, 11]);
    expect([...part.labels]).toEqual([2, 3]);
    expect(part.tokens.buffer).toBe(b.tokens.buffer);
    expect(() => sliceBatch(b, 0, 3)).toThrow('does not split into 3');
  });
});
