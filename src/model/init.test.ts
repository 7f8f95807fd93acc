/** Initialisation: seeded, the spec's N(0, 0.02) for embeddings and proxies, PyTorch's defaults elsewhere, names of the contract. */
import { describe, expect, it } from 'vitest';
import { CpuBackend } from '../engine';
import { defaultConfig, modelConfig } from '../config';
import { Initialiser } from './init';
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

/** Gram matrix of the rows (or of the columns) of each rows×cols block, flattened. */
function gram(x: ArrayLike<number>, blocks: number, rows: number, cols: number, ofRows: boolean): number[][][] {
  const [count, len] = ofRows ? [rows, cols] : [cols, rows];
  const at = (b: number, v: number, i: number) => x[b * rows * cols + (ofRows ? v * cols + i : i * cols + v)];
  return Array.from({ length: blocks }, (_, b) =>
    Array.from({ length: count }, (_, u) =>
      Array.from({ length: count }, (_, v) => Array.from({ length: len }, (_, i) => at(b, u, i) * at(b, v, i)).reduce((s, t) => s + t, 0)),
    ),
  );
}

function expectScaledIdentity(g: number[][][], scale: number, what: string): void {
  for (const block of g)
    for (const [u, row] of block.entries())
      for (const [v, value] of row.entries()) expect(value, `${what} [${u}, ${v}]`).toBeCloseTo(u === v ? scale : 0, 3);
}

describe("proxyInit 'orthogonal' (ours)", () => {
  it('draws semi-orthogonal blocks with mean squared entry 1, rows when rows ≤ cols, columns otherwise', () => {
    for (const [rows, cols] of [
      [4, 8],
      [8, 8],
      [12, 4],
    ]) {
      const w = new Initialiser(5).orthogonal(3, rows, cols);
      expect(Array.from(w).reduce((s, v) => s + v * v, 0) / w.length).toBeCloseTo(1, 6);
      expectScaledIdentity(gram(w, 3, rows, cols, rows <= cols), Math.max(rows, cols), `${rows}×${cols}`);
    }
    expect(Array.from(new Initialiser(5).orthogonal(1, 4, 8))).toEqual(Array.from(new Initialiser(5).orthogonal(1, 4, 8)));
    expect(Array.from(new Initialiser(6).orthogonal(1, 4, 8))).not.toEqual(Array.from(new Initialiser(5).orthogonal(1, 4, 8)));
  });

  it('starts projected proxies orthogonal, and per-head proxy_k equal to proxy_q', async () => {
    const projected = buildModel(be, tinyConfig('proxy', { seqLen: 64, landmarks: 16, proxyInit: 'orthogonal' }), 1);
    const d = projected.config.dModel;
    const p = (await projected.params.read()).get('layers.0.attn.proxies')!.data;
    expectScaledIdentity(gram(p, 1, 16, d, 16 <= d), Math.max(16, d), 'proxies');
    projected.dispose();
    const perHead = buildModel(be, tinyConfig('proxy', { proxyParam: 'per-head', landmarks: 4, proxyInit: 'orthogonal' }), 1);
    const { heads, dModel } = perHead.config;
    const values = await perHead.params.read();
    const q = values.get('layers.0.attn.proxy_q')!.data;
    expect(Array.from(values.get('layers.0.attn.proxy_k')!.data)).toEqual(Array.from(q));
    expectScaledIdentity(gram(q, heads, 4, dModel / heads, 4 <= dModel / heads), Math.max(4, dModel / heads), 'proxy_q');
    perHead.dispose();
  });
});
