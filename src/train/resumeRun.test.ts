import { describe, expect, it } from 'vitest';
import { writeCheckpoint } from './checkpointFile';
import type { RunSummary } from './protocol';
import { openSavedRun } from './resumeRun';
import { MemoryCheckpointStore } from './store/memory';
import { tinyConfig } from './testing';

const config = tinyConfig('softmax', { steps: 20 });
const summary: RunSummary = {
  runId: 'r',
  name: 'r',
  config,
  step: 8,
  updatedAt: 1,
  bestValAccuracy: null,
  testAccuracy: null,
  state: 'paused',
};

async function storeWith(weight: number, secondMoment: number): Promise<MemoryCheckpointStore> {
  const store = new MemoryCheckpointStore();
  const bytes = writeCheckpoint({
    config,
    step: 8,
    optimizerStep: 8,
    lrScale: 1,
    weights: [{ name: 'head.weight', shape: [3], data: Float32Array.of(0.5, weight, -0.25) }],
    moments: [{ name: 'head.weight', shape: [3], m: Float32Array.of(0, 0.1, 0), v: Float32Array.of(0, secondMoment, 1e-8) }],
  });
  await store.save('r', 'latest', bytes, summary);
  return store;
}

describe('openSavedRun refuses a checkpoint that would bring NaN back', () => {
  it('accepts a finite checkpoint', async () => {
    const run = await openSavedRun(await storeWith(0.1, 1e-6), 'r');
    expect(run.contents.step).toBe(8);
  });

  it('names the tensor and element of a NaN or infinite weight', async () => {
    await expect(openSavedRun(await storeWith(Number.NaN, 1e-6), 'r')).rejects.toThrow(
      /latest checkpoint of run r \(step 8\): tensor head\.weight holds NaN at element 1 of 3; every value must be finite/,
    );
    await expect(openSavedRun(await storeWith(Number.POSITIVE_INFINITY, 1e-6), 'r')).rejects.toThrow(/head\.weight holds Infinity/);
  });

  it('refuses a negative second moment', async () => {
    await expect(openSavedRun(await storeWith(0.1, -1e-3), 'r')).rejects.toThrow(
      /tensor head\.weight\.exp_avg_sq holds -0\.001\d* at element 1 of 3; a second moment must be finite and ≥ 0/,
    );
  });
});
