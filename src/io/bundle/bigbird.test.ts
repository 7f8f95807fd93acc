/**
 * BigBird bundles: the random blocks (state) round-trip in model.safetensors with the weights and
 * have no optimizer moments; the ONNX exporter refuses BigBird with the reason, and the bundle
 * written without model.onnx reads back whole.
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

describe('BigBird bundles', () => {
  const c = tinyRunConfig({ attention: 'bigbird', bigbirdBlock: 2, bigbirdRandom: 2, layers: 2 });
  const n = c.seqLen;

  it('random_blocks [nb − 2, r] is state: in model.safetensors, not in the optimizer file; everything round-trips', () => {
    const w = randomWeights(parameterShapes(c), 4);
    const state = ['layers.0.attn.random_blocks', 'layers.1.attn.random_blocks'];
    for (const name of state) expect(parameterShapes(c).get(name)).toEqual([n / 2 - 2, 2]);
    const opt = sampleOptimizer(c);
    for (const name of state) expect(opt.expAvg.has(name)).toBe(false);
    const bytes = writeBundle({ config: c, weights: w, optimizer: opt }, { onnx: false });
    const files = unzipSync(bytes);
    expect(files['model.onnx']).toBeUndefined();
    for (const name of state) expect(readSafetensors(files['model.safetensors']).tensors.has(name)).toBe(true);
    const moments = [...readSafetensors(files['optimizer.safetensors']).tensors.keys()];
    expect(moments.some((m) => m.includes('random_blocks'))).toBe(false);
    const run = readBundle(bytes);
    for (const [name, data] of w) expect(bits(run.weights.get(name)!), name).toEqual(bits(data));
    expect(run.config.attention).toBe('bigbird');
  });

  it('the ONNX exporter refuses BigBird and says why', () => {
    expect(onnxUnsupported(c)).toMatch(/BigBird is not exportable to ONNX yet/);
    expect(onnxUnsupported({ attention: 'proxy' })).toBeNull();
    expect(() => exportOnnx(c, randomWeights(parameterShapes(c)))).toThrow(/BigBird is not exportable to ONNX yet: .* PyTorch reference/);
    expect(() => writeBundle({ config: c, weights: randomWeights(parameterShapes(c)) }, { onnx: true })).toThrow(/not exportable to ONNX/);
  });
});
