/**
 * BigBird bundles: the random blocks (state) round-trip in model.safetensors with the weights and
 * have no optimizer moments; the bundle's model.onnx is built from the stored draw and gives the
 * PyTorch reference's logits (python3 with torch, as src/io/onnx/export.test.ts).
 */
import { unzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { onnxUnsupported, parameterShapes } from '../onnx/config';
import { exportOnnx } from '../onnx/export';
import { readSafetensors } from '../safetensors';
import { PARITY_TOLERANCE, relativeError, runOrt, runPytorch } from '../onnx/testing/harness';
import { randomBatch, randomWeights } from '../testing/random';
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

  it('a bundle with model.onnx: the graph reads the bundle’s random blocks and gives PyTorch’s logits', async () => {
    expect(onnxUnsupported(c)).toBeNull();
    // 16 tokens in blocks of 2: 8 blocks, so block 1 has blocks 3 … 6 to draw its 2 random ones from.
    const w = randomWeights(parameterShapes(c), 6);
    const bytes = writeBundle({ config: c, weights: w }, { onnx: { attentionOutputs: true } });
    const files = unzipSync(bytes);
    expect(files['model.onnx']).toBeDefined();
    const run = readBundle(bytes);
    expect(run.onnx).not.toBeNull();
    expect(Array.from(run.onnx!)).toEqual(Array.from(exportOnnx(run.config, run.weights, { attentionOutputs: true })));
    const batch = randomBatch(c, n, [n, 11, 4]);
    const ours = await runOrt(run.onnx!, run.config, batch);
    const ref = runPytorch(run.config, run.weights, batch, true);
    const err = relativeError(ours.logits.data as Float32Array, ref.get('logits')!.data);
    expect(err).toBeLessThan(PARITY_TOLERANCE);
    // The graph's block pattern is the one the stored draw names (2 marks a random block).
    const pattern = ours['layers.1.block_pattern'].data as Float32Array;
    const nb = n / 2;
    const draw = run.weights.get('layers.1.attn.random_blocks')!;
    for (let row = 0; row < nb - 2; row++)
      for (const id of draw.subarray(row * 2, row * 2 + 2)) expect(pattern[(row + 1) * nb + id], `block ${row + 1} → ${id}`).toBe(2);
    expect(Array.from(pattern.subarray(0, nb * nb))).toEqual(Array.from(ref.get('view.layers.1.block_pattern')!.data.subarray(0, nb * nb)));
  });

  it('a draw naming a block outside the allowed set is refused by the exporter, not clamped', () => {
    const w = randomWeights(parameterShapes(c), 6);
    w.get('layers.0.attn.random_blocks')![0] = 1; // block 1's own block: in its window
    expect(() => exportOnnx(c, w)).toThrow(
      /BigBird layers\.0\.attn\.random_blocks: query block 1: random block 1 is not one of 3, 4, 5, 6 or −1/,
    );
  });
});
