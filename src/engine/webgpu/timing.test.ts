/**
 * Per-kernel GPU timing: real timestamp pairs aggregated by kernel name where the device has
 * `timestamp-query` (SwiftShader does), and an explicit "not available" otherwise.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { nodeGpu } from './node';
import { acquireGpu, type GpuContext } from './device';
import { WebGpuBackend } from './backend';
import { randomArray, seededRandom } from './testing/twin';

const contexts: GpuContext[] = [];
afterAll(() => {
  for (const c of contexts) c.destroy();
});

async function context(timestamps: boolean): Promise<GpuContext> {
  const c = await acquireGpu(timestamps ? { features: ['timestamp-query'] } : {}, nodeGpu());
  contexts.push(c);
  return c;
}

describe('kernel timing', () => {
  it('aggregates GPU time by kernel name, read only on request, and results stay correct', async () => {
    const ctx = await context(true);
    const be = new WebGpuBackend(ctx, { timing: true });
    const x = be.alloc(4096, 'f32', 'activations', 'x');
    be.write(x, randomArray(seededRandom(3), 4096));
    const y = be.alloc(4096, 'f32', 'activations', 'y');
    const z = be.alloc(4096, 'f32', 'activations', 'z');
    for (let i = 0; i < 3; i++) {
      be.unary('exp', x, y);
      be.softmax(y, z, 64, 64);
    }
    be.unary('affine', x, y, 2, 1);
    const out = await be.read(y);
    const xs = await be.read(x);
    expect(out[5]).toBeCloseTo(2 * xs[5] + 1, 6);
    const r = await be.timing();
    expect(r.available).toBe(true);
    if (!r.available) return;
    const byName = Object.fromEntries(r.kernels.map((k) => [k.name, k]));
    expect(byName['unary exp'].count).toBe(3);
    expect(byName.softmax.count).toBe(3);
    expect(byName['unary affine'].count).toBe(1);
    for (const k of r.kernels) {
      expect(k.totalMs).toBeGreaterThanOrEqual(0);
      expect(k.meanMs).toBeCloseTo(k.totalMs / k.count, 9);
    }
    expect(r.discardedPairs).toBe(0);
    be.timer.reset();
    const again = await be.timing();
    expect(again.available && again.kernels.length).toBe(0);
    expect(ctx.uncapturedErrors).toEqual([]);
    be.dispose();
  });

  it('says "not available" when timing was not asked for or the device lacks timestamp-query', async () => {
    const plain = await context(false);
    const off = new WebGpuBackend(plain);
    expect(await off.timing()).toEqual({ available: false, reason: expect.stringMatching(/not enabled/) });
    const noFeature = new WebGpuBackend(plain, { timing: true });
    expect(await noFeature.timing()).toEqual({ available: false, reason: expect.stringMatching(/no timestamp-query/) });
    off.dispose();
    noFeature.dispose();
  });
});
