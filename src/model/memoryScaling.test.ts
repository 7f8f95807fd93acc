/**
 * Peak memory of one training step per sequence (the engine pool's accounting, which is the
 * same on the CPU and WebGPU, so the CPU measures it): Proxyformer with softmaxImpl 'fused'
 * against materialized softmax and the fused Nyströmformer. The paper-sized figure is n = 4096
 * (docs/gpu.md "Memory at n = 4096"); here a quarter-width model (d 16, m 32) at n = 1024 keeps
 * the same ratio of n to the model's widths at a cost a unit test can pay.
 */
import { describe, expect, it } from 'vitest';
import { AdamW, CpuBackend, Tensor, backward, scope } from '../engine';
import { defaultConfig, modelConfig, type Attention, type ModelConfig } from '../config';
import { buildModel } from './model';

const N = 1024;

function config(attention: Attention, over: Partial<ModelConfig> = {}): ModelConfig {
  return {
    ...modelConfig(defaultConfig('listops', attention)),
    dModel: 16,
    ffn: 32,
    heads: 2,
    landmarks: 32,
    seqLen: N,
    ...over,
  };
}

/** Peak pool bytes of the second training step (the first creates gradients and optimizer state) at batch 1. */
function peakOfStep(c: ModelConfig): number {
  const be = new CpuBackend('f32');
  const model = buildModel(be, c, 0);
  const optimizer = new AdamW(model.params.params(), { lr: 1e-3 });
  const ids = Array.from({ length: N }, (_, i) => 1 + ((i * 7) % (c.vocabSize - 1)));
  const batch = {
    tokens: Tensor.fromArray(be, ids, [1, N], { dtype: 'i32', category: 'activations', label: 'tokens' }),
    mask: Tensor.fromArray(be, new Float32Array(N).fill(1), [1, N], { category: 'activations', label: 'mask' }),
    labels: Tensor.fromArray(be, [3], [1], { dtype: 'i32', category: 'activations', label: 'labels' }),
  };
  let peak = 0;
  for (let step = 0; step < 2; step++) {
    be.resetPeak();
    scope(() => {
      model.params.zeroGrad();
      backward(model.forward(batch, { train: true, dropoutSeed: step }).loss!);
      optimizer.step();
    });
    model.weightsChanged();
    peak = be.memory().peak;
  }
  return peak;
}

describe('memory per sequence at n = 1024, quarter-width paper model', () => {
  it('Proxyformer (fused) stays under 0.08× materialized softmax and at most the fused Nyströmformer', () => {
    const softmax = peakOfStep(config('softmax'));
    const proxy = peakOfStep(config('proxy', { softmaxImpl: 'fused' }));
    const nystrom = peakOfStep(config('nystrom', { softmaxImpl: 'fused' }));
    const proxyMaterialized = peakOfStep(config('proxy'));
    expect(proxy / softmax).toBeLessThanOrEqual(0.08);
    expect(proxy).toBeLessThanOrEqual(nystrom);
    // What fusing buys: the materialized Proxyformer keeps its n×m probabilities.
    expect(proxy).toBeLessThan(proxyMaterialized);
  });
});
