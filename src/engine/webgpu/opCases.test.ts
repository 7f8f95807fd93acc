/**
 * Every op of the engine's op-case registry, forward and backward through autograd, on WebGPU
 * (Dawn) against the float64 CPU reference, with the float32 tolerances written next to each
 * case in src/engine/testing/opCases.ts. Also checks that no case leaks GPU buffers.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nodeGpu } from './node';
import { acquireGpu, type GpuContext } from './device';
import { WebGpuBackend } from './backend';
import { CpuBackend } from '../cpu/backend';
import { OP_CASES } from '../testing/opCases';
import type { Tolerance } from '../testing/tolerance';
import { compare, runOpCase } from '../testing/opRunner';

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

function expectClose(what: string, actual: ArrayLike<number>, expected: ArrayLike<number>, tol: Tolerance): void {
  const r = compare(actual, expected, tol);
  expect(
    r.ok,
    `${what}: worst element ${r.worst.index}: webgpu ${r.worst.actual} vs cpu ${r.worst.expected} (max abs ${r.maxAbs}, tolerance ${JSON.stringify(tol)})`,
  ).toBe(true);
}

describe('op cases: WebGPU against the float64 CPU reference', () => {
  for (const c of OP_CASES)
    it(c.name, async () => {
      const ref = await runOpCase(new CpuBackend('f64'), c, 5);
      const submitted = gpu.submitCount;
      const got = await runOpCase(gpu, c, 5);
      expect(gpu.submitCount, 'the case never reached the GPU').toBeGreaterThan(submitted);
      expect(got.shape).toEqual(ref.shape);
      expectClose('output', got.output, ref.output, c.f32);
      for (const name of Object.keys(ref.grads)) expectClose(`d/d${name}`, got.grads[name], ref.grads[name], c.f32);
      expect(gpu.memory().liveBuffers, 'the case leaked GPU buffers').toBe(0);
      expect(ctx.uncapturedErrors).toEqual([]);
    });
});
