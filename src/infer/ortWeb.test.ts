/**
 * The baselines' graphs (Elu, Relu, Exp, ReduceMax over two axes, the implied n×n view) run on
 * onnxruntime-web's wasm provider, the one the inference panel uses without WebGPU, and agree
 * with onnxruntime-node (which export.test.ts checks against PyTorch).
 */
import { describe, expect, it } from 'vitest';
import { createSession } from './session';
import { exportOnnx } from '../io/onnx/export.ts';
import { relativeError, runOrt, tinyConfig } from '../io/onnx/testing/harness.ts';
import { randomBatch, randomWeights } from '../io/testing/random.ts';
import { parameterShapes } from '../io/onnx/config.ts';
import type { ExportConfig } from '../io/onnx/config.ts';

const CASES: [string, Partial<ExportConfig>, string][] = [
  ['linformer', { attention: 'linformer' }, 'attention_projected'],
  ['performer, softmax kernel', { attention: 'performer', performerKernel: 'softmax' }, 'attention'],
  ['performer, relu kernel', { attention: 'performer', performerKernel: 'relu' }, 'attention'],
  ['linear', { attention: 'linear' }, 'attention'],
];

describe('the baselines on onnxruntime-web (wasm)', () => {
  it.each(CASES)('%s: logits and the attention output equal onnxruntime-node', async (_, over, view) => {
    const c = tinyConfig(over);
    const model = exportOnnx(c, randomWeights(parameterShapes(c)), { attentionOutputs: true });
    const batch = randomBatch(c, c.seqLen, [c.seqLen]);
    const session = await createSession(model, 'wasm');
    try {
      const web = await session.run({ batch: 1, tokens: batch.tokens, mask: batch.mask }, c.seqLen);
      const node = await runOrt(model, c, batch);
      expect([...web.factors.keys()].sort()).toEqual([`layers.0.${view}`, `layers.1.${view}`]);
      expect(relativeError(web.logits, node.logits.data as Float32Array)).toBeLessThan(1e-5);
      const factor = web.factors.get(`layers.1.${view}`)!;
      expect(factor.dims).toEqual(node[`layers.1.${view}`].dims as number[]);
      expect(relativeError(factor.data, node[`layers.1.${view}`].data as Float32Array)).toBeLessThan(1e-5);
    } finally {
      await session.release();
    }
  });
});
