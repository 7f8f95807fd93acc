/** The portable WebGPU checks (also meant for Chromium) pass in Node through Dawn, and can fail. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nodeGpu } from './node';
import { acquireGpu, type GpuContext } from './device';
import { WebGpuBackend } from './backend';
import { CpuBackend } from '../cpu/backend';
import { runWebGpuChecks } from './testing/checks';

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

describe('portable WebGPU checks', () => {
  it('all pass against the CPU reference and release their buffers', async () => {
    const results = await runWebGpuChecks(new CpuBackend('f32'), gpu);
    expect(results.length).toBeGreaterThanOrEqual(8);
    for (const r of results) expect(r.ok, `${r.name}: ${r.detail}`).toBe(true);
    expect(gpu.memory().liveBuffers).toBe(0);
  });

  it('report a mismatch instead of hiding it (a CPU reference with a broken GELU)', async () => {
    const ref = new CpuBackend('f32');
    const broken = Object.create(ref) as CpuBackend;
    broken.unary = (op, x, out, alpha, beta) => ref.unary(op === 'gelu' ? 'relu' : op, x, out, alpha, beta);
    const results = await runWebGpuChecks(broken, gpu);
    const gelu = results.find((r) => r.name.startsWith('GELU'))!;
    expect(gelu.ok).toBe(false);
    expect(gelu.detail).toMatch(/gelu: max \|Δ\|/);
    expect(results.filter((r) => !r.ok)).toHaveLength(1);
  });
});
