/**
 * session.ts under Node (no `navigator.gpu`): onnxruntime-web's wasm provider is chosen by
 * `auto` with its reason (the choice itself: provider.test.ts), `webgpu` is refused with a message (never a silent fallback), and the
 * outputs are split into logits and attention factors that equal onnxruntime-node's.
 * The browser's webgpu and wasm providers are checked in e2e/inference.spec.ts.
 */
import * as ortNode from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { randomWeights } from '../io/testing/random';
import { parameterShapes } from '../io/onnx/config';
import { tinyRunConfig } from '../io/bundle/testing/fixtures';
import { exportOnnx } from '../io/onnx/export';
import { parseListOps, singleBatch } from './inputs';
import { createSession } from './session';

describe('onnxruntime-web session', () => {
  it('auto runs on wasm without WebGPU and says why; outputs equal onnxruntime-node', async () => {
    const config = tinyRunConfig({ attention: 'nystrom' });
    const model = exportOnnx(config, randomWeights(parameterShapes(config), 8), { attentionOutputs: true });
    const batch = singleBatch(config, parseListOps('[MAX 1 [MIN 2 3 ] 4 ]').tokens);
    const session = await createSession(model, 'auto');
    try {
      expect(session.provider).toBe('wasm');
      expect(session.reason).toBe('auto: no WebGPU adapter in this browser');
      const out = await session.run(batch, config.seqLen);
      expect(out.classes).toBe(10);
      expect([...out.factors.keys()].sort()).toEqual(['layers.0.K1', 'layers.0.K2', 'layers.0.K3', 'layers.0.Z']);
      expect(out.factors.get('layers.0.K1')!.dims).toEqual([1, config.heads, config.seqLen, config.landmarks]);
      const reference = await ortNode.InferenceSession.create(model, { executionProviders: ['cpu'] });
      const dims = [1, config.seqLen];
      const expected = await reference.run({
        tokens: new ortNode.Tensor('int32', batch.tokens, dims),
        mask: new ortNode.Tensor('float32', batch.mask, dims),
      });
      await reference.release();
      // Other builds of the same kernels (wasm SIMD here, native there): equal up to float32 rounding on logits of order 1.
      for (let i = 0; i < out.logits.length; i++)
        expect(Math.abs(out.logits[i] - (expected.logits.data as Float32Array)[i])).toBeLessThan(1e-5);
    } finally {
      await session.release();
    }
  });

  it('refuses webgpu where there is none, and a two-tower model without its second input', async () => {
    const config = tinyRunConfig({ task: 'retrieval', attention: 'softmax', vocabSize: 257, numClasses: 2, twoTower: true });
    const model = exportOnnx(config, randomWeights(parameterShapes(config), 9));
    await expect(createSession(model, 'webgpu')).rejects.toThrow(
      /webgpu execution provider was asked for, but this browser gives no WebGPU adapter; choose wasm/,
    );
    const session = await createSession(model, 'wasm');
    try {
      expect(session.reason).toBe('chosen');
      await expect(session.run(singleBatch(config, Int32Array.from([5, 6])), config.seqLen)).rejects.toThrow(
        /two towers \(retrieval\): give tokens2 and mask2/,
      );
      const out = await session.run(singleBatch(config, Int32Array.from([5, 6]), Int32Array.from([7])), config.seqLen);
      expect(out.factors.size).toBe(0);
      expect(out.logits.length).toBe(2);
    } finally {
      await session.release();
    }
  });
});
