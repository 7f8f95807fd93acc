import { describe, expect, it, afterAll } from 'vitest';
import { nodeGpu } from './node';
import { acquireGpu, backendLabel, type GpuContext } from './device';
import { runComputeSelfTest } from './selfTest';
import { GpuLimitError, GpuFeatureError, WebGpuUnavailableError } from './errors';

describe('WebGPU capability module in Node (Dawn)', () => {
  let ctx: GpuContext | undefined;
  afterAll(() => ctx?.destroy());

  it('finds an adapter, reports it and runs a WGSL kernel that matches the CPU reference', async () => {
    ctx = await acquireGpu({ optionalFeatures: ['timestamp-query'] }, nodeGpu());
    expect(ctx.report.limits.maxStorageBufferBindingSize).toBeGreaterThan(0);
    expect(backendLabel(ctx.report)).toMatch(/^WebGPU · /);
    const r = await runComputeSelfTest(ctx.device);
    expect(r.n).toBe(4099);
    expect(r.maxAbsError).toBeLessThanOrEqual(1e-6);
    expect(r.ok).toBe(true);
    expect(ctx.uncapturedErrors).toEqual([]);
  });

  it('refuses a limit the adapter does not have, naming have and need', async () => {
    const huge = 2 ** 52;
    const err = await acquireGpu({ limits: { maxBufferSize: huge } }, nodeGpu()).catch((e) => e);
    expect(err).toBeInstanceOf(GpuLimitError);
    expect(err.message).toContain('maxBufferSize');
    expect(err.message).toContain(String(huge));
  });

  it('refuses a missing required feature by name', async () => {
    const err = await acquireGpu({ features: ['no-such-feature' as GPUFeatureName] }, nodeGpu()).catch((e) => e);
    expect(err).toBeInstanceOf(GpuFeatureError);
    expect(err.message).toContain('no-such-feature');
  });

  it('says clearly when there is no WebGPU at all', async () => {
    const err = await acquireGpu({}, undefined).catch((e) => e);
    expect(err).toBeInstanceOf(WebGpuUnavailableError);
    expect(err.message).toMatch(/CPU reference backend/);
  });

  it('reports device loss as a typed error', async () => {
    const c = await acquireGpu({}, nodeGpu());
    c.destroy();
    const lost = await c.lost;
    expect(lost.reason).toBe('destroyed');
    expect(lost.message).toMatch(/lost/);
  });
});
