/** Hot keys (dropout rates, λ, τ) change from the next forward without a rebuild; cold keys and bad values are refused. */
import { describe, expect, it } from 'vitest';
import { CpuBackend, intTensor, noGrad, scope, tensor } from '../engine';
import { CONFIG_KEYS, MODEL_HOT_KEYS, paramSpec } from '../config';
import { buildModel } from './model';
import { tinyConfig } from './testing/configs';

const be = new CpuBackend('f32');
const batch = {
  tokens: intTensor(
    be,
    Array.from({ length: 32 }, (_, i) => 1 + (i % 9)),
    [2, 16],
  ),
  mask: tensor(be, new Array(32).fill(1), [2, 16]),
  labels: intTensor(be, [0, 2], [2]),
};

describe('hot keys', () => {
  it('are exactly the model keys the config schema marks hot', () => {
    const model = buildModel(be, tinyConfig('proxy'), 0);
    const modelHot = CONFIG_KEYS.filter((k) => paramSpec(k).part === 'model' && paramSpec(k).apply === 'hot');
    expect([...MODEL_HOT_KEYS]).toEqual(modelHot);
    expect([...modelHot].sort()).toEqual([
      'attentionDropout',
      'contrastiveTemperature',
      'contrastiveWeight',
      'decomposedDropoutRate',
      'dropout',
    ]);
    expect(() => model.updateHot(Object.fromEntries(modelHot.map((k) => [k, model.config[k as keyof typeof model.config]])))).not.toThrow();
    // Every other model key is refused, and so is a name that is only on Object's prototype.
    for (const k of CONFIG_KEYS.filter((k) => paramSpec(k).part === 'model' && !modelHot.includes(k))) {
      expect(() => model.updateHot({ [k]: model.config[k as keyof typeof model.config] } as never), k).toThrow(/is not a hot key/);
    }
    expect(() => model.updateHot({ toString: 1 } as never)).toThrow(/toString is not a hot key/);
  });

  it('apply from the next forward: dropout 0 makes training equal evaluation, λ 0 makes loss the task loss', async () => {
    const model = buildModel(be, tinyConfig('proxy', { dropout: 0.3, decomposedDropoutRate: 0.3 }), 0);
    const run = (train: boolean) =>
      noGrad(() =>
        scope(() => {
          const r = model.forward(batch, { train, dropoutSeed: 4 });
          return [r.logits, r.loss!, r.taskLoss!];
        }),
      );
    const evaluation = await run(false)[0].read();
    expect(Array.from(await run(true)[0].read())).not.toEqual(Array.from(evaluation));
    model.updateHot({ dropout: 0, decomposedDropoutRate: 0, contrastiveWeight: 0 });
    const [logits, loss, task] = run(true);
    expect(Array.from(await logits.read())).toEqual(Array.from(evaluation));
    expect(await loss.item()).toBe(await task.item());
    expect(model.config.dropout).toBe(0);
  });

  it('cold keys and out-of-range values are refused with what is wrong', () => {
    const model = buildModel(be, tinyConfig('softmax'), 0);
    expect(() => model.updateHot({ layers: 3 } as never)).toThrow(/layers is not a hot key \(a change needs a rebuild\)/);
    expect(() => model.updateHot({ dropout: 2 })).toThrow(/dropout/);
    expect(model.config.dropout).toBe(0.1);
  });
});
