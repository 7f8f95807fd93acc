/** The toy MLP trains on the CPU reference, and a training step leaves the pool exactly as it found it. */
import { describe, expect, it } from 'vitest';
import { CpuBackend } from '../cpu/backend';
import type { MemoryReport } from '../backend';
import { trainMlp } from './mlp';

describe('two-layer MLP on spirals (CPU reference)', () => {
  it('the loss falls clearly', async () => {
    const curve = await trainMlp(new CpuBackend('f32'), 7, 120);
    expect(curve).toHaveLength(120);
    expect(curve.every(Number.isFinite)).toBe(true);
    const first = curve[0];
    const last = curve.slice(-10).reduce((a, b) => a + b, 0) / 10;
    expect(first).toBeGreaterThan(0.9); // ≈ ln 3 at the start
    expect(last).toBeLessThan(0.5 * first);
  });

  it('is reproducible for a seed and differs across seeds', async () => {
    const a = await trainMlp(new CpuBackend('f32'), 3, 15);
    const b = await trainMlp(new CpuBackend('f32'), 3, 15);
    const c = await trainMlp(new CpuBackend('f32'), 4, 15);
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
  });

  it('memory stays flat over 50 steps and everything is released at the end', async () => {
    const be = new CpuBackend('f32');
    const seen: MemoryReport[] = [];
    await trainMlp(be, 11, 50, { onStep: (_, m) => seen.push(m) });
    // Step 0 creates the gradients and optimizer state; from then on nothing grows or shrinks.
    const after = seen.slice(1);
    for (const m of after) {
      expect(m.liveBuffers).toBe(after[0].liveBuffers);
      expect(m.inUse).toEqual(after[0].inUse);
      expect(m.allocated).toBe(after[0].allocated);
      expect(m.peak).toBe(after[0].peak);
    }
    // Between steps only weights, gradients, optimizer state and the loss log are live.
    expect(after[0].inUse.activations).toBe(96 * 4); // the i32 labels
    expect(after[0].inUse.gradients).toBe(after[0].inUse.weights - 96 * 2 * 4);
    expect(be.memory().liveBuffers).toBe(0);
  });
});
