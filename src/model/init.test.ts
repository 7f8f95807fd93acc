/** Initialisation: seeded, the spec's N(0, 0.02) for embeddings and proxies, PyTorch's defaults elsewhere, names of the contract. */
import { describe, expect, it } from 'vitest';
import { CpuBackend } from '../engine';
import { defaultConfig, modelConfig } from '../config';
import { buildModel } from './model';
import { tinyConfig } from './testing/configs';

const be = new CpuBackend('f32');
const values = async (seed: number) => {
  const model = buildModel(be, tinyConfig('proxy', { vocabSize: 64, seqLen: 64, landmarks: 16 }), seed);
  const out = await model.params.read();
  model.dispose();
  return out;
};
const std = (x: ArrayLike<number>) => Math.sqrt(Array.from(x).reduce((s, v) => s + v * v, 0) / x.length);

describe('initialisation', () => {
  it('is reproduced by its seed and differs for another seed', async () => {
    const [a, b, c] = [await values(1), await values(1), await values(2)];
    for (const [name, t] of a) expect(Array.from(b.get(name)!.data), name).toEqual(Array.from(t.data));
    expect(Array.from(c.get('embed.tokens.weight')!.data)).not.toEqual(Array.from(a.get('embed.tokens.weight')!.data));
  });

  it('draws embeddings and proxies from N(0, 0.02), Linear from U(±1/√fan_in), LayerNorm 1 and 0', async () => {
    const p = await values(3);
    for (const name of ['embed.tokens.weight', 'embed.positions.weight', 'layers.0.attn.proxies'])
      expect(std(p.get(name)!.data), name).toBeCloseTo(0.02, 2);
    const fc1 = p.get('layers.1.ffn.fc1.weight')!.data; // fan_in 16: U(±0.25), std 0.25/√3
    expect(Math.max(...Array.from(fc1, Math.abs))).toBeLessThanOrEqual(0.25);
    expect(std(fc1)).toBeCloseTo(0.25 / Math.sqrt(3), 1);
    expect(new Set(p.get('norm.weight')!.data)).toEqual(new Set([1]));
    expect(new Set(p.get('layers.0.norm2.bias')!.data)).toEqual(new Set([0]));
  });

  it("the paper preset builds (2 layers, d 64, ffn 128, 2 heads, m 128) with the contract's parameter names", () => {
    const model = buildModel(be, modelConfig(defaultConfig('listops', 'proxy')), 0);
    const c = model.config;
    expect([c.layers, c.dModel, c.ffn, c.heads, c.landmarks, c.dropout]).toEqual([2, 64, 128, 2, 128, 0.1]);
    expect(
      model.params
        .names()
        .filter((n) => n.startsWith('layers.0.'))
        .sort(),
    ).toEqual(
      [
        'layers.0.norm1.weight',
        'layers.0.norm1.bias',
        'layers.0.attn.q.weight',
        'layers.0.attn.q.bias',
        'layers.0.attn.k.weight',
        'layers.0.attn.k.bias',
        'layers.0.attn.v.weight',
        'layers.0.attn.v.bias',
        'layers.0.attn.out.weight',
        'layers.0.attn.out.bias',
        'layers.0.attn.conv.weight',
        'layers.0.attn.proxies',
        'layers.0.norm2.weight',
        'layers.0.norm2.bias',
        'layers.0.ffn.fc1.weight',
        'layers.0.ffn.fc1.bias',
        'layers.0.ffn.fc2.weight',
        'layers.0.ffn.fc2.bias',
      ].sort(),
    );
    expect(model.params.get('layers.0.attn.conv.weight').shape).toEqual([2, 35]);
    model.dispose();
  });
});
