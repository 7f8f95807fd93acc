/**
 * Reformer bundles: the evaluation rotations (state) round-trip in model.safetensors with the
 * weights and have no optimizer moments (src/model/reformer.test.ts checks the names and shapes against the model); the ONNX
 * exporter refuses Reformer with the reason, and the bundle written without model.onnx reads back whole.
 */
import { unzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { onnxUnsupported, parameterShapes } from '../onnx/config';
import { exportOnnx } from '../onnx/export';
import { readSafetensors } from '../safetensors';
import { randomWeights } from '../testing/random';
import { readBundle, writeBundle } from './index';
import { sampleOptimizer, tinyRunConfig } from './testing/fixtures';

const bits = (a: Float32Array) => new Uint32Array(a.buffer, a.byteOffset, a.length);

describe('Reformer bundles', () => {
  const c = tinyRunConfig({ attention: 'reformer', reformerHashes: 2, reformerChunk: 4, layers: 2 });

  it('rotations [H, d_h, rounds · buckets/2] are state: in model.safetensors, not in the optimizer file; everything round-trips', () => {
    const shapes = parameterShapes(c);
    const w = randomWeights(shapes, 4);
    const state = ['layers.0.attn.rotations', 'layers.1.attn.rotations'];
    const buckets = 2 ** Math.floor(Math.log2((2 * c.seqLen) / 4));
    for (const name of state) expect(shapes.get(name)).toEqual([c.heads, c.dModel / c.heads, 2 * (buckets / 2)]);
    expect(shapes.has('layers.0.attn.k.weight')).toBe(false);
    const opt = sampleOptimizer(c);
    for (const name of state) expect(opt.expAvg.has(name)).toBe(false);
    const bytes = writeBundle({ config: c, weights: w, optimizer: opt }, { onnx: false });
    const files = unzipSync(bytes);
    expect(files['model.onnx']).toBeUndefined();
    for (const name of state) expect(readSafetensors(files['model.safetensors']).tensors.has(name)).toBe(true);
    const moments = [...readSafetensors(files['optimizer.safetensors']).tensors.keys()];
    expect(moments.some((m) => m.includes('rotations'))).toBe(false);
    const run = readBundle(bytes);
    for (const [name, data] of w) expect(bits(run.weights.get(name)!), name).toEqual(bits(data));
    expect([run.config.attention, run.config.reformerHashes, run.config.reformerChunk]).toEqual(['reformer', 2, 4]);
  });

  it('the ONNX exporter refuses Reformer and says why', () => {
    expect(onnxUnsupported(c)).toMatch(/Reformer is not exportable to ONNX yet: its bucket sort/);
    expect(() => exportOnnx(c, randomWeights(parameterShapes(c)))).toThrow(/Reformer is not exportable to ONNX yet: .* PyTorch reference/);
    expect(() => writeBundle({ config: c, weights: randomWeights(parameterShapes(c)) }, { onnx: true })).toThrow(/not exportable to ONNX/);
  });
});
