/**
 * The baselines' graphs (Elu, Relu, Exp, ReduceMax over two axes, the implied n×n view,
 * BigBird's rank-5 Gather and MatMul, Reformer's sorts) run on onnxruntime-web's wasm provider, the
 * one the inference panel uses without WebGPU, and agree with onnxruntime-node (which
 * export.test.ts checks against PyTorch); BigBird's logits also equal the engine's.
 */
import { describe, expect, it } from 'vitest';
import { createSession } from './session';
import { exportOnnx } from '../io/onnx/export.ts';
import { relativeError, runOrt, tinyConfig } from '../io/onnx/testing/harness.ts';
import { randomBatch, randomWeights } from '../io/testing/random.ts';
import { parameterShapes } from '../io/onnx/config.ts';
import type { ExportConfig } from '../io/onnx/config.ts';
import { tinyRunConfig } from '../io/bundle/testing/fixtures.ts';
import { CpuBackend } from '../engine';
import { engineLogits } from './engineLogits';

/** BigBird with 8 blocks of 4, so that the 3 random blocks have blocks to be drawn from. */
const BIGBIRD = { attention: 'bigbird', seqLen: 32, bigbirdBlock: 4, bigbirdRandom: 3 } as const;

const CASES: [string, Partial<ExportConfig>, string[]][] = [
  ['linformer', { attention: 'linformer' }, ['attention_projected']],
  ['performer, softmax kernel', { attention: 'performer', performerKernel: 'softmax' }, ['attention']],
  ['performer, relu kernel', { attention: 'performer', performerKernel: 'relu' }, ['attention']],
  ['linear', { attention: 'linear' }, ['attention']],
  // TopK, ArgMax, GatherND with batch dimensions, Where: the bucket sort and chunks of src/io/onnx/reformerAttention.ts.
  ['reformer, 2 rounds, chunks of 4', { attention: 'reformer', reformerHashes: 2, reformerChunk: 4 }, ['lsh_buckets', 'attention_implied']],
  ['bigbird, 8 blocks, 3 random', BIGBIRD, ['attention', 'block_pattern']],
];

describe('the baselines on onnxruntime-web (wasm)', () => {
  it.each(CASES)('%s: logits and the attention outputs equal onnxruntime-node', async (_, over, views) => {
    const c = tinyConfig(over);
    const model = exportOnnx(c, randomWeights(parameterShapes(c)), { attentionOutputs: true });
    const batch = randomBatch(c, c.seqLen, [c.seqLen]);
    const session = await createSession(model, 'wasm');
    try {
      const web = await session.run({ batch: 1, tokens: batch.tokens, mask: batch.mask }, c.seqLen);
      const node = await runOrt(model, c, batch);
      expect([...web.factors.keys()].sort()).toEqual(views.flatMap((v) => [`layers.0.${v}`, `layers.1.${v}`]).sort());
      expect(relativeError(web.logits, node.logits.data as Float32Array)).toBeLessThan(1e-5);
      for (const view of views) {
        const factor = web.factors.get(`layers.1.${view}`)!;
        expect(factor.dims).toEqual(node[`layers.1.${view}`].dims as number[]);
        expect(relativeError(factor.data, node[`layers.1.${view}`].data as Float32Array)).toBeLessThan(1e-5);
      }
    } finally {
      await session.release();
    }
  });

  it('BigBird on onnxruntime-web gives the engine’s logits (CPU backend, f32) on a padded batch', async () => {
    const config = tinyRunConfig({ ...BIGBIRD, layers: 2 });
    const weights = randomWeights(parameterShapes(config), 2);
    const batch = randomBatch(config, config.seqLen, [config.seqLen, 19, 6]);
    const session = await createSession(exportOnnx(config, weights), 'wasm');
    try {
      const web = await session.run({ batch: 3, tokens: batch.tokens, mask: batch.mask }, config.seqLen);
      const engine = await engineLogits(new CpuBackend('f32'), config, weights, batch);
      const err = relativeError(web.logits, engine);
      console.log(`BigBird onnxruntime-web (wasm) vs engine (CPU f32) logits: ${err.toExponential(1)}`);
      expect(err).toBeLessThan(1e-5);
    } finally {
      await session.release();
    }
  });
});
