/**
 * The start-up peak probe on SwiftShader: both kernels compute what the CPU says, and the probe
 * gives positive GFLOP/s and GB/s from the flops and bytes it moved (no figure is asserted:
 * the machine is shared and noisy; `npm run bench:kernels` prints them).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { acquireGpu, type GpuContext } from './device';
import { nodeGpu } from './node';
import { fmaReference, probePeak } from './peak';

let ctx: GpuContext;
beforeAll(async () => {
  ctx = await acquireGpu({ optionalFeatures: ['timestamp-query'] }, nodeGpu());
});
afterAll(() => ctx?.destroy());

describe('peak probe', () => {
  it('the CPU model of fma_peak converges every chain to 1 and sums them as the kernel does', () => {
    expect(fmaReference(5, 200)).toEqual([8, 8, 8, 8]);
    // After one round, chain c of lane 0 holds (5 + c)/2 + 1/2.
    expect(fmaReference(5, 1)[0]).toBe([5, 6, 7, 8, 9, 10, 11, 12].reduce((s, v) => s + v / 2 + 0.5, 0));
  });

  for (const timestamps of [true, false])
    it(`measures FMA and copy rates, checked against the CPU (${timestamps ? 'timestamp-query' : 'wall clock'})`, async () => {
      const r = await probePeak(ctx.device, { software: true, targetMs: 2, repeats: 1, timestamps, invocations: 1024, copyBytes: 1 << 20 });
      expect(r.gflops).toBeGreaterThan(0);
      expect(r.gbps).toBeGreaterThan(0);
      expect(r.gflops).toBeCloseTo(r.fmaFlops / (r.fmaMs * 1e6), 6);
      expect(r.gbps).toBeCloseTo(r.copyBytes / (r.copyMs * 1e6), 6);
      expect(r.method).toMatch(timestamps ? /timestamp-query/ : /wall clock/);
      expect(r.fmaFlops % (1024 * 64)).toBe(0);
    });
});
