import { describe, expect, it } from 'vitest';
import { ImportError } from '../errors';
import { parameterShapes } from '../onnx/config';
import { randomWeights } from '../testing/random';
import { readBundle, writeBundle } from './index';
import { sampleOptimizer, tinyRunConfig } from './testing/fixtures';

const config = tinyRunConfig({ layers: 1, dModel: 4, ffn: 4 });

function refusal(read: () => unknown): ImportError {
  try {
    read();
  } catch (err) {
    if (err instanceof ImportError) return err;
    throw err;
  }
  throw new Error('the import was accepted');
}

describe('imported weights and optimizer state are checked for finite values before anything is returned', () => {
  it('refuses NaN and ±Infinity in a weight, naming the tensor and the element', () => {
    for (const bad of [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]) {
      const weights = randomWeights(parameterShapes(config));
      const name = [...weights.keys()][2];
      weights.get(name)![3] = bad;
      const err = refusal(() => readBundle(writeBundle({ config, weights })));
      expect(err.code).toBe('non-finite');
      expect(err.message).toContain(`model.safetensors: tensor ${name} holds ${bad} at element 3`);
    }
  });

  it('refuses a non-finite first moment and a negative or non-finite second moment, naming it', () => {
    const weights = randomWeights(parameterShapes(config));
    const cases: [keyof ReturnType<typeof sampleOptimizer>, number, string, RegExp][] = [
      ['expAvg', Number.NaN, '.exp_avg', /every value must be finite/],
      ['expAvgSq', -0.5, '.exp_avg_sq', /a second moment must be finite and ≥ 0/],
      ['expAvgSq', Number.POSITIVE_INFINITY, '.exp_avg_sq', /a second moment must be finite and ≥ 0/],
    ];
    for (const [slot, bad, suffix, rule] of cases) {
      const optimizer = sampleOptimizer(config);
      const moments = optimizer[slot] as Map<string, Float32Array>;
      const name = [...moments.keys()][1];
      moments.get(name)![0] = bad;
      const err = refusal(() => readBundle(writeBundle({ config, weights, optimizer })));
      expect(err.code).toBe('non-finite');
      expect(err.message).toContain(`optimizer.safetensors: tensor ${name}${suffix} holds ${bad} at element 0`);
      expect(err.message).toMatch(rule);
    }
    // Zero and negative zero are valid second moments; negative first moments are ordinary.
    const optimizer = sampleOptimizer(config);
    for (const v of optimizer.expAvgSq.values()) v.fill(0);
    (optimizer.expAvgSq.values().next().value as Float32Array)[0] = -0;
    for (const v of optimizer.expAvg.values()) v.fill(-0.5);
    expect(readBundle(writeBundle({ config, weights, optimizer })).optimizer?.step).toBe(optimizer.step);
  });
});
