/**
 * Reformer bundles: the evaluation rotations (state) round-trip in model.safetensors with the
 * weights and have no optimizer moments (src/model/reformer.test.ts checks the names and shapes against the model); the bundle
 * also carries model.onnx (src/io/onnx/reformerAttention.ts, with the rotations as initializers) and reads back whole.
 */
import { unzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { onnxUnsupported, parameterShapes } from '../onnx/config';
import { exportOnnx } from '../onnx/export';
import { modelProtoType, type ModelMessage } from '../onnx/proto';
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

  it('exports to ONNX: model.onnx in the bundle is the exporter graph with the rotations, and reads back byte for byte', () => {
    const w = randomWeights(parameterShapes(c), 5);
    expect(onnxUnsupported(c)).toBeNull();
    const onnx = exportOnnx(c, w);
    const bytes = writeBundle({ config: c, weights: w, optimizer: sampleOptimizer(c) }, { onnx: true });
    const files = unzipSync(bytes);
    expect(new Uint8Array(files['model.onnx'])).toEqual(new Uint8Array(onnx));
    const run = readBundle(bytes);
    expect(new Uint8Array(run.onnx!)).toEqual(new Uint8Array(onnx));
    expect(new Uint8Array(exportOnnx(run.config, run.weights))).toEqual(new Uint8Array(onnx));
    // The evaluation rotations are initializers under their contract names, with the bundle's values.
    const type = modelProtoType();
    const model = type.toObject(type.decode(files['model.onnx']), { longs: Number, defaults: false }) as ModelMessage;
    for (const name of ['layers.0.attn.rotations', 'layers.1.attn.rotations']) {
      const init = model.graph.initializer.find((t) => t.name === name)!;
      expect(init.dims).toEqual(parameterShapes(c).get(name));
      const raw = init.raw_data;
      expect(bits(new Float32Array(raw.buffer.slice(raw.byteOffset, raw.byteOffset + raw.byteLength))), name).toEqual(bits(w.get(name)!));
    }
  });

  it('a Reformer whose float32 sort keys would pass 2^24 has no ONNX graph, says why, and its bundle still exports without model.onnx', () => {
    // n 16384 with chunks of 32: 1024 buckets, keys up to 1025 · 16384 ≈ 1.68e7 > 2^24; chunks of 64 fit.
    const long = { ...c, seqLen: 16384, reformerChunk: 32 };
    expect(onnxUnsupported(long)).toMatch(
      /Reformer at n = 16384 with chunks of 32 has no ONNX graph: .* 16793600, past float32's exact integers/,
    );
    expect(onnxUnsupported({ ...long, reformerChunk: 64 })).toBeNull();
    expect(() => exportOnnx(long, new Map())).toThrow(/has no ONNX graph/);
    const small = { ...c, seqLen: 16384, reformerChunk: 32, dModel: 4, heads: 1, ffn: 4, layers: 1 };
    const bytes = writeBundle(
      { config: small, weights: randomWeights(parameterShapes(small), 6) },
      { onnx: onnxUnsupported(small) === null },
    );
    expect(unzipSync(bytes)['model.onnx']).toBeUndefined();
    expect(readBundle(bytes).config.seqLen).toBe(16384);
  });
});
