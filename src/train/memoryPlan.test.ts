/**
 * The memory estimate against the buffer pool's measured peak on the CPU backend (within
 * ESTIMATE_FACTOR both ways, as docs/gpu.md states), and the plan built on it: the default
 * limits first, then the adapter's limits, then the fewest micro-batches; a refusal names the
 * estimate, the limit and what to change.
 */
import { describe, expect, it } from 'vitest';
import type { RunConfig } from '../config';
import { CpuBackend } from '../engine';
import { ESTIMATE_FACTOR, estimateMemory } from '../model/memoryEstimate';
import { getPreset } from '../presets';
import { planLine, planMemory } from './memoryPlan';
import { taskFor } from './taskFromConfig';
import { tinyConfig } from './testing';
import { Trainer } from './trainer';

const MiB = 1024 * 1024;
const ORDINARY = { maxStorageBufferBindingSize: 128 * MiB, maxBufferSize: 256 * MiB };
const LARGE = { maxStorageBufferBindingSize: 2048 * MiB - 4, maxBufferSize: 4096 * MiB };

async function measuredPeak(config: RunConfig): Promise<number> {
  const be = new CpuBackend('f32');
  const trainer = new Trainer(be, config, await taskFor(config));
  for (let i = 0; i < 2; i++) {
    trainer.trainStep();
    await trainer.readPending();
  }
  const peak = be.memory().peak;
  trainer.dispose();
  return peak;
}

describe('memory estimate against the measured peak (CPU backend)', () => {
  const sizes = { seqLen: 128, dModel: 32, ffn: 64, layers: 2, landmarks: 16, linformerK: 16, performerFeatures: 16, listopsMaxLen: 30 };
  for (const [name, config] of [
    ['softmax', tinyConfig('softmax', { ...sizes, batchSize: 4 })],
    ['nystrom, n 256, m 32', tinyConfig('nystrom', { ...sizes, batchSize: 2, seqLen: 256, landmarks: 32 })],
    ['proxy, 4 heads', tinyConfig('proxy', { ...sizes, batchSize: 4, heads: 4 })],
    ['proxy, d 64, 1 layer', tinyConfig('proxy', { ...sizes, batchSize: 8, dModel: 64, layers: 1 })],
    ['linformer', tinyConfig('linformer', { ...sizes, batchSize: 4 })],
    ['performer', tinyConfig('performer', { ...sizes, batchSize: 4, performerFeatures: 32 })],
    ['linear, ffn 128', tinyConfig('linear', { ...sizes, batchSize: 4, ffn: 128 })],
    ['bigbird, blocks of 8', tinyConfig('bigbird', { ...sizes, batchSize: 4, bigbirdBlock: 8 })],
    ['reformer, 2 rounds, chunks of 16', tinyConfig('reformer', { ...sizes, batchSize: 4, reformerChunk: 16 })],
    ['softmax as 4 micro-batches of 2', tinyConfig('softmax', { ...sizes, batchSize: 8, microBatches: 4 })],
  ] as const) {
    it(`${name}: estimate within ${ESTIMATE_FACTOR}× of the peak`, async () => {
      const examples = config.microBatches > 0 ? config.batchSize / config.microBatches : config.batchSize;
      const estimate = estimateMemory(config, examples);
      const peak = await measuredPeak(config);
      const ratio = estimate.total / peak;
      expect(ratio, `estimate ${estimate.total} B, peak ${peak} B`).toBeGreaterThan(1 / ESTIMATE_FACTOR);
      expect(ratio, `estimate ${estimate.total} B, peak ${peak} B`).toBeLessThan(ESTIMATE_FACTOR);
    });
  }

  it('scales with the batch: 16 examples estimate 4× the activations of 4', () => {
    const c = tinyConfig('proxy', { batchSize: 16 });
    expect(estimateMemory(c, 16).activations).toBeCloseTo(4 * estimateMemory(c, 4).activations, -2);
    expect(estimateMemory(c, 16).weights).toBe(estimateMemory(c, 4).weights);
  });
});

describe('planMemory', () => {
  const pathfinder = getPreset('pathfinder-proxy-paper')!.config;

  it('the Pathfinder paper preset (batch 256, n 1024, m 128) splits its batch instead of failing on a 256 MiB buffer', () => {
    expect(estimateMemory(pathfinder).largest).toMatchObject({ name: 'kernel 1 [B, H, n, m]', bytes: 256 * MiB });
    const plan = planMemory(pathfinder, { kind: 'webgpu', adapterLimits: ORDINARY });
    expect(plan).toMatchObject({ ok: true, microBatches: 4, microBatchSize: 64, requestLimits: null, message: null });
    expect(plan.summary).toMatch(/^batch 256 as 4 × 64 · estimated \d\.\d GiB of 4\.0 GiB$/);
    expect(plan.estimate.total).toBeLessThanOrEqual(plan.budget);
    expect(plan.estimate.largest.bytes).toBeLessThanOrEqual(128 * MiB);
  });

  it('asks for the adapter limits when the whole batch needs a buffer over the 128 MiB default and the adapter has it', () => {
    const c = { ...getPreset('pathfinder-softmax-paper')!.config, batchSize: 32 };
    expect(planMemory(c, { kind: 'webgpu', adapterLimits: ORDINARY })).toMatchObject({ ok: true, microBatches: 2, requestLimits: null });
    const plan = planMemory(c, { kind: 'webgpu', adapterLimits: LARGE });
    expect(plan).toMatchObject({
      ok: true,
      microBatches: 1,
      requestLimits: { maxStorageBufferBindingSize: LARGE.maxStorageBufferBindingSize, maxBufferSize: LARGE.maxBufferSize },
    });
    expect(plan.summary).toContain('adapter limits requested');
  });

  it('a small config runs as one batch within the defaults', () => {
    const plan = planMemory(tinyConfig('proxy'), { kind: 'cpu' });
    expect(plan).toMatchObject({ ok: true, microBatches: 1, requestLimits: null });
    expect(planLine(plan)).toMatch(/^memory: batch 4 · estimated [\d.]+ [KM]iB of 2\.0 GiB$/);
  });

  it('refuses what does not fit even one example per pass, naming the estimate, the limit and what to change', () => {
    const plan = planMemory(tinyConfig('proxy', { batchSize: 4 }), { kind: 'cpu', budget: 64 * 1024 });
    expect(plan.ok).toBe(false);
    expect(plan.microBatches).toBe(4);
    expect(plan.message).toMatch(
      /^batch 4 as 4 × 1: a training step needs an estimated [\d.]+ [KM]iB \(weights and AdamW .*\), over the CPU backend's budget of 64\.0 KiB: lower seqLen or landmarks/,
    );
    const softmax = planMemory({ ...getPreset('text-softmax-paper')!.config, seqLen: 8192 }, { kind: 'webgpu', adapterLimits: ORDINARY });
    expect(softmax.message).toMatch(
      /the softmax attention \[B, H, n, n\] buffer \[1, 2, 8192, 8192\] needs 512\.0 MiB, over this adapter's maxStorageBufferBindingSize of 128\.0 MiB: lower seqLen, or use an attention that is linear in n/,
    );
  });

  it('a forced microBatches is kept, and refused with what to change when its passes do not fit', () => {
    const c = { ...pathfinder, microBatches: 2 };
    const plan = planMemory(c, { kind: 'webgpu', adapterLimits: ORDINARY });
    expect(plan.ok).toBe(false);
    expect(plan.message).toMatch(
      /^batch 256 as 2 × 128: a training step needs an estimated [\d.]+ GiB .* over the WebGPU budget of 4\.0 GiB: raise microBatches \(or set 0 to choose automatically\), or lower batchSize, seqLen or landmarks\.$/,
    );
    expect(planMemory({ ...pathfinder, microBatches: 8 }, { kind: 'webgpu', adapterLimits: ORDINARY })).toMatchObject({
      ok: true,
      microBatches: 8,
    });
  });

  it("notes that Nyströmformer's global pseudo-inverse init makes a split step differ slightly", () => {
    const plan = planMemory(getPreset('pathfinder-nystrom-paper')!.config, { kind: 'webgpu', adapterLimits: ORDINARY });
    expect(plan.microBatches).toBeGreaterThan(1);
    expect(planLine(plan)).toContain('pinvInit global');
  });
});
