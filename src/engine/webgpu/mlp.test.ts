/**
 * The toy two-layer MLP (src/engine/testing/mlp.ts: dropout, AdamW, clipping, one-cycle) trained
 * on the CPU reference and on WebGPU from the same seed gives the same loss curve; on WebGPU the
 * steps never wait on the device, and the pool stays flat from the second step on.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nodeGpu } from './node';
import { acquireGpu, type GpuContext } from './device';
import { WebGpuBackend } from './backend';
import { CpuBackend } from '../cpu/backend';
import type { MemoryReport } from '../backend';
import { trainMlp } from '../testing/mlp';

let ctx: GpuContext;
let gpu: WebGpuBackend;

beforeAll(async () => {
  ctx = await acquireGpu({}, nodeGpu());
  // Poisoned reuse: an op that reads memory it never initialised gets NaN, not a lucky zero.
  gpu = new WebGpuBackend(ctx, { reusedBuffers: 'poisoned' });
});
afterAll(() => {
  gpu?.dispose();
  ctx?.destroy();
});

/**
 * Tolerance on the loss curve: both run in float32 with the same dropout masks; what differs is
 * summation order (tree vs sequential) and f32 rounding inside transcendental built-ins, which
 * training carries forward step by step. Over 60 steps the drift measured 2.3e-6 (SwiftShader).
 */
const CURVE_TOL = { abs: 1e-4, rel: 1e-4 };

describe('two-layer MLP: CPU reference and WebGPU', () => {
  it('reach the same loss curve for the same seed, and the loss falls', async () => {
    const steps = 60;
    const ref = await trainMlp(new CpuBackend('f32'), 7, steps);
    let reads = 0;
    const read = gpu.read.bind(gpu);
    gpu.read = (b) => {
      reads++;
      return read(b);
    };
    const memory: MemoryReport[] = [];
    const created: number[] = [];
    const got = await trainMlp(gpu, 7, steps, {
      onStep: (_, m) => {
        memory.push(m);
        created.push(gpu.pool.created);
      },
    });
    gpu.read = read;
    expect(reads, 'training steps must not read from the device; only the final loss log is read').toBe(1);
    expect(got).toHaveLength(steps);
    let worst = 0;
    for (let i = 0; i < steps; i++) {
      const d = Math.abs(got[i] - ref[i]);
      worst = Math.max(worst, d);
      expect(d, `step ${i}: webgpu ${got[i]} vs cpu ${ref[i]}`).toBeLessThanOrEqual(CURVE_TOL.abs + CURVE_TOL.rel * Math.abs(ref[i]));
    }
    expect(got[steps - 1]).toBeLessThan(0.7 * got[0]);
    // From the second step on, nothing is created and nothing grows.
    const after = memory.slice(1);
    for (let i = 0; i < after.length; i++) {
      expect(after[i].liveBuffers).toBe(after[0].liveBuffers);
      expect(after[i].inUse).toEqual(after[0].inUse);
      expect(after[i].allocated).toBe(after[0].allocated);
      expect(after[i].peak).toBe(after[0].peak);
      expect(created[i + 1]).toBe(created[1]);
    }
    expect(gpu.memory().liveBuffers).toBe(0);
    expect(ctx.uncapturedErrors).toEqual([]);
  });

  it('is bit-reproducible on WebGPU (no atomics, fixed summation orders)', async () => {
    const a = await trainMlp(gpu, 5, 15);
    const b = await trainMlp(gpu, 5, 15);
    expect(a).toEqual(b);
  });
});
