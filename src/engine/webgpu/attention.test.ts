/**
 * Fused attention on WebGPU (Dawn in Node): the pool peak of a forward + backward grows linearly
 * in n, as on the CPU (src/engine/ops/attention.test.ts), where the materialized composition
 * grows quadratically. The WebGPU pool counts with the same accounting as the CPU pool.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backward } from '../autograd';
import { fusedAttention, matmul, softmax, sumAll } from '../ops/index';
import { scope, Tensor } from '../tensor';
import { inputValues } from '../testing/opRunner';
import { WebGpuBackend } from './backend';
import { acquireGpu, type GpuContext } from './device';
import { nodeGpu } from './node';

let ctx: GpuContext;
let gpu: WebGpuBackend;

beforeAll(async () => {
  ctx = await acquireGpu({}, nodeGpu());
  gpu = new WebGpuBackend(ctx);
});
afterAll(() => {
  gpu?.dispose();
  ctx?.destroy();
});

/** Peak pool bytes (beyond the inputs and their gradients) of one forward + backward of self-attention at n keys. */
async function peak(n: number, fused: boolean): Promise<number> {
  const inputs = [1, 2, 3].map((salt) => {
    const t = Tensor.fromArray(gpu, inputValues({ name: 'x', shape: [1, 2, n, 8] }, 7, salt), [1, 2, n, 8], {
      category: 'weights',
      label: `in${salt}`,
    });
    t.requiresGrad = true;
    return t;
  });
  const [q, k, v] = inputs;
  gpu.resetPeak();
  const base = gpu.memory().inUse;
  const loss = scope(() => {
    const y = fused ? fusedAttention(q, k, v, null, { scale: 0.3 }) : matmul(softmax(matmul(q, k, { transB: true, alpha: 0.3 })), v);
    const l = sumAll(y);
    backward(l);
    return l;
  });
  await loss.read();
  const p = gpu.memory().peak - (base.weights + base.gradients);
  loss.dispose();
  for (const t of inputs) {
    t.grad?.dispose();
    t.dispose();
  }
  return p;
}

describe('fused attention memory on WebGPU', () => {
  it('keeps the pool peak linear in n (materialized: quadratic)', async () => {
    const [f1, f2] = [await peak(256, true), await peak(1024, true)];
    const [m1, m2] = [await peak(256, false), await peak(1024, false)];
    expect(f2 / f1).toBeLessThanOrEqual(4.01);
    expect(m2 / m1).toBeGreaterThan(12);
    expect(m2 / f2).toBeGreaterThan(10);
  });
});
