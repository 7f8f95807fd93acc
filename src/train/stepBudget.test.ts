/**
 * The training step's dispatch budget (stepBudget.ts) and the fused step's losses against the
 * composed reference (`withoutFusion`). A small step of the paper preset's model: its layers,
 * heads, widths, pseudo-inverse iterations, dropout sites and regularisers, at n 64 with 16
 * proxies and a batch of 2 (a step's dispatch count does not depend on the batch or the length;
 * docs/gpu.md "Dispatches per step"). Dispatch counts are deterministic, so they are asserted;
 * no time is.
 */
import { describe, expect, it } from 'vitest';
import { CpuBackend, withoutFusion, type Backend } from '../engine';
import { WebGpuBackend } from '../engine/webgpu/backend';
import { acquireGpu } from '../engine/webgpu/device';
import { nodeGpu } from '../engine/webgpu/node';
import { getPreset } from '../presets';
import { STEP_BUDGET_PRESET, STEP_DISPATCH_BUDGET, STEP_DISPATCH_TARGET, STEP_DISPATCHES_BEFORE } from './stepBudget';
import { taskFor } from './taskFromConfig';
import { Trainer } from './trainer';

const STEPS = 3;

function paperShaped() {
  const preset = getPreset(STEP_BUDGET_PRESET)!;
  return { ...preset.config, batchSize: 2, seqLen: 64, listopsMinLen: 10, listopsMaxLen: 50, landmarks: 16 };
}

/** Losses of STEPS steps, and the dispatches of the last one (WebGPU only); `fused` false: the composed reference. */
async function losses(backend: Backend, fused: boolean): Promise<{ losses: number[]; contrastive: number[]; dispatches: number }> {
  const config = paperShaped();
  const trainer = new Trainer(backend, config, await taskFor(config));
  const gpu = backend instanceof WebGpuBackend ? backend : null;
  let dispatches = 0;
  const steps = () => {
    for (let i = 0; i < STEPS; i++) {
      const before = gpu?.dispatchCount ?? 0;
      trainer.trainStep();
      dispatches = (gpu?.dispatchCount ?? 0) - before;
    }
  };
  // Steps record synchronously, so the switch holds for all of them.
  if (fused) steps();
  else withoutFusion(steps);
  const read = await trainer.readPending();
  trainer.dispose();
  return { losses: read.values.map((v) => v.loss), contrastive: read.values.map((v) => v.contrastiveLoss), dispatches };
}

/**
 * Float rounding only: the fused sums run in another order (the gradient norm, the contrastive
 * loss's cross-entropy, the CPU's shifted products, the fused Linear's product and bias gradient,
 * the pseudo-inverse initialisation's gradient). On SwiftShader the losses agree to about 1e-7
 * relative; the tolerance allows for adapters whose kernels round differently.
 */
const LOSS_TOLERANCE = 1e-5;

function expectSameLosses(fused: number[], reference: number[]): void {
  expect(fused).toHaveLength(STEPS);
  for (let i = 0; i < STEPS; i++)
    expect(Math.abs(fused[i] - reference[i]), `step ${i + 1}: ${fused[i]} vs ${reference[i]}`).toBeLessThanOrEqual(
      LOSS_TOLERANCE * Math.abs(reference[i]),
    );
}

describe(`the ${STEP_BUDGET_PRESET} training step`, () => {
  it('CPU reference: the fused step gives the losses of the composed one', async () => {
    const fused = await losses(new CpuBackend('f32'), true);
    const reference = await losses(new CpuBackend('f32'), false);
    expectSameLosses(fused.losses, reference.losses);
    expectSameLosses(fused.contrastive, reference.contrastive);
  });

  it(`WebGPU: the same losses, and at most ${STEP_DISPATCH_BUDGET} dispatches per step`, async () => {
    const ctx = await acquireGpu({}, nodeGpu());
    try {
      const fused = await losses(new WebGpuBackend(ctx), true);
      const reference = await losses(new WebGpuBackend(ctx), false);
      expectSameLosses(fused.losses, reference.losses);
      expectSameLosses(fused.contrastive, reference.contrastive);
      expect(fused.dispatches).toBeLessThanOrEqual(STEP_DISPATCH_BUDGET);
      // The aim: at most half of the count before the fused paths.
      expect(STEP_DISPATCH_BUDGET).toBeLessThanOrEqual(STEP_DISPATCH_TARGET);
      expect(STEP_DISPATCH_TARGET).toBeLessThanOrEqual(STEP_DISPATCHES_BEFORE / 2);
      // The composed paths keep only the engine-wide change (gradient views): below the count
      // before the fused paths, and well above the fused step.
      expect(reference.dispatches).toBeLessThan(STEP_DISPATCHES_BEFORE);
      expect(fused.dispatches).toBeLessThan(0.6 * reference.dispatches);
    } finally {
      ctx.destroy();
    }
  });
});
