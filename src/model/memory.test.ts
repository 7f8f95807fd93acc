/** No tensor outlives its step: training steps, evaluation (with the 'none' cache), views and Performer redraws leave memory flat. */
import { describe, expect, it } from 'vitest';
import { AdamW, CpuBackend, backward, intTensor, noGrad, scope, tensor } from '../engine';
import { buildModel } from './model';
import { tinyConfig } from './testing/configs';

describe('memory', () => {
  for (const [name, config] of [
    ['softmax', tinyConfig('softmax')],
    ['nystrom', tinyConfig('nystrom')],
    ['softmax, fused', tinyConfig('softmax', { softmaxImpl: 'fused', attentionDropout: 0 })],
    ['proxy, fused', tinyConfig('proxy', { softmaxImpl: 'fused' })],
    ["proxy, injection 'none', two towers", tinyConfig('proxy', { injection: 'none', twoTower: true })],
    ['linformer, per-layer E', tinyConfig('linformer', { linformerK: 6, linformerSharing: 'per-layer' })],
    ['performer, softmax kernel', tinyConfig('performer', { performerFeatures: 12, performerKernel: 'softmax' })],
    ['linear', tinyConfig('linear')],
  ] as const) {
    it(`${name}: live buffers stay flat over training steps, evaluations and views`, async () => {
      const be = new CpuBackend('f32');
      const model = buildModel(be, config, 0);
      const optimizer = new AdamW(model.params.params(), { lr: 1e-3 });
      const ids = intTensor(
        be,
        Array.from({ length: 32 }, (_, i) => 1 + (i % 9)),
        [2, 16],
      );
      const mask = tensor(
        be,
        Array.from({ length: 32 }, (_, i) => (i % 16 < 12 ? 1 : 0)),
        [2, 16],
      );
      const batch = { tokens: ids, mask, tokens2: ids, mask2: mask, labels: intTensor(be, [1, 2], [2]) };
      const cycle = async (step: number) => {
        const loss = scope(() => {
          model.params.zeroGrad();
          const r = model.forward(batch, { train: true, dropoutSeed: step });
          backward(r.loss!);
          optimizer.step();
          model.weightsChanged();
          return r.loss!;
        });
        loss.dispose();
        for (let i = 0; i < 2; i++) noGrad(() => scope(() => model.forward(batch, { train: false }).logits)).dispose();
        await model.views({ tokens: Array.from({ length: 16 }, (_, i) => 1 + (i % 5)) });
        model.redrawFeatures(0, step); // Performer: new values in place; others: nothing
      };
      await cycle(0); // the first cycle creates gradients, optimizer state and the cache
      const live = be.memory().liveBuffers;
      for (let step = 1; step < 4; step++) await cycle(step);
      expect(be.memory().liveBuffers).toBe(live);
    });
  }
});
