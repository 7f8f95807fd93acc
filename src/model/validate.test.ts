/** buildModel refuses invalid configs with the config validator's messages (naming the values), and bad batches with theirs. */
import { describe, expect, it } from 'vitest';
import { CpuBackend, intTensor, tensor } from '../engine';
import { buildModel } from './model';
import { tinyConfig } from './testing/configs';
import { ModelConfigError } from './validate';

const be = new CpuBackend('f32');

function refusal(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(ModelConfigError);
    return (err as Error).message;
  }
  throw new Error('expected the config to be refused');
}

describe('buildModel validation', () => {
  it('refuses segment landmarks with n not a multiple of m, naming both', () => {
    const msg = refusal(() => buildModel(be, tinyConfig('nystrom', { seqLen: 18, landmarks: 4 }), 0));
    expect(msg).toMatch(/seqLen 18 is not a multiple of landmarks 4/);
    expect(refusal(() => buildModel(be, tinyConfig('proxy', { seqLen: 18, landmarks: 4, injection: 'segment' }), 0))).toMatch(
      /seqLen 18.*landmarks 4/,
    );
    // Proxyformer without segment injection does not need it.
    expect(() => buildModel(be, tinyConfig('proxy', { seqLen: 18, landmarks: 4 }), 0)).not.toThrow();
  });

  it('refuses more landmarks than tokens', () => {
    expect(refusal(() => buildModel(be, tinyConfig('proxy', { seqLen: 16, landmarks: 32 }), 0))).toMatch(
      /landmarks 32 is more than seqLen 16/,
    );
  });

  it('refuses d not divisible by heads', () => {
    expect(refusal(() => buildModel(be, tinyConfig('softmax', { dModel: 20, heads: 3 }), 0))).toMatch(
      /dModel 20 is not divisible by heads 3/,
    );
  });

  it("refuses a size over the device's limits", () => {
    const msg = refusal(() =>
      buildModel(be, tinyConfig('softmax', { seqLen: 1024 }), 0, { batchSize: 8, limits: { maxStorageBufferBindingSize: 1 << 20 } }),
    );
    expect(msg).toMatch(/softmax attention \[B, H, n, n\] buffer \[8, 2, 1024, 1024\].*over this device's maxStorageBufferBindingSize/);
  });

  it('refuses wrongly typed values without crashing', () => {
    expect(refusal(() => buildModel(be, { ...tinyConfig('proxy'), injection: 'sideways' as never, layers: 'two' as never }, 0))).toMatch(
      /injection.*layers|layers.*injection/s,
    );
  });

  it('refuses a batch that does not fit, naming the lengths', () => {
    const model = buildModel(be, tinyConfig('nystrom'), 0);
    const tokens = intTensor(be, new Array(2 * 10).fill(1), [2, 10]);
    const mask = tensor(be, new Array(2 * 10).fill(1), [2, 10]);
    expect(() => model.forward({ tokens, mask }, { train: false })).toThrow(/length 10, not a multiple of landmarks 4/);
    const masks = new Map([['layers.0.attn.columns', mask]]);
    const ok = { tokens: intTensor(be, new Array(32).fill(1), [2, 16]), mask: tensor(be, new Array(32).fill(1), [2, 16]) };
    expect(() => model.forward(ok, { train: true, masks })).toThrow(/unknown mask name\(s\) layers.0.attn.columns/);
  });
});
