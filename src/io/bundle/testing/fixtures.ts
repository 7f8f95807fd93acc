/** Test fixtures for bundles: tiny validated configs, metrics and optimizer state (weights: ../../testing/random.ts). */
import { validateConfig, type RunConfig } from '../../../config';
import { MetricsBuffer } from '../../metrics';
import { trainableShapes } from '../../onnx/config';
import { uniformTensors } from '../../testing/random';
import type { OptimizerState } from '../optimizer';

/** A tiny config the schema accepts (refuses with its issues otherwise). */
export function tinyRunConfig(over: Record<string, unknown> = {}): RunConfig {
  const input = {
    task: 'listops',
    attention: 'proxy',
    layers: 1,
    dModel: 8,
    heads: 2,
    ffn: 12,
    vocabSize: 16,
    numClasses: 10,
    seqLen: 16,
    landmarks: 4,
    convKernel: 3,
    listopsMinLen: 5,
    listopsMaxLen: 16,
    listopsMaxDepth: 4,
    listopsMaxArgs: 3,
    steps: 10,
    warmupSteps: 2,
    evalEvery: 5,
    evalSteps: 1,
    batchSize: 4,
    ...over,
  };
  const result = validateConfig(input);
  if (!result.ok) throw new Error(`tiny config refused: ${result.issues.map((i) => i.message).join(' ')}`);
  return result.config;
}

/** A few metric rows with gaps (NaN cells), as a run logs them. */
export function sampleMetrics(rows = 5): MetricsBuffer {
  const m = new MetricsBuffer();
  for (let s = 1; s <= rows; s++)
    m.append({ step: s, loss: 2.5 / s, taskLoss: 2.4 / s, lr: 1e-4 * s, ...(s % 2 === 0 ? { valAccuracy: 0.1 * s } : {}) });
  return m;
}

/** AdamW moments for every trainable parameter (state such as Performer's features has none). */
export function sampleOptimizer(config: RunConfig, step = 7): OptimizerState {
  // Optimizer moments exist for trainable parameters only (Performer's features are state).
  const a = uniformTensors(trainableShapes(config), 11, 0.01);
  const b = uniformTensors(trainableShapes(config), 12, 0.001);
  for (const v of b.values()) for (let i = 0; i < v.length; i++) v[i] = Math.abs(v[i]);
  return { step, expAvg: a, expAvgSq: b };
}
