/** Test fixtures for bundles: tiny validated configs, seeded weights, metrics and optimizer state. */
import { validateConfig, type RunConfig } from '../../../model/config';
import { MetricsBuffer } from '../../../train/metrics';
import { isStateName, parameterShapes } from '../../onnx/config';
import type { OptimizerState } from '../optimizer';

/** A tiny config the schema accepts (refuses with its issues otherwise). */
export function tinyRunConfig(over: Record<string, unknown> = {}): RunConfig {
  const input = {
    task: 'listops', attention: 'proxy', layers: 1, dModel: 8, heads: 2, ffn: 12, vocabSize: 16, numClasses: 10, seqLen: 16,
    landmarks: 4, convKernel: 3, listopsMinLen: 5, listopsMaxLen: 16, listopsMaxDepth: 4, listopsMaxArgs: 3,
    steps: 10, warmupSteps: 2, evalEvery: 5, evalSteps: 1, batchSize: 4, ...over,
  };
  const result = validateConfig(input);
  if (!result.ok) throw new Error(`tiny config refused: ${result.issues.map((i) => i.message).join(' ')}`);
  return result.config;
}

/** Seeded uniform [0, 1) (mulberry32). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Every parameter of the config, uniform in ±scale. */
export function seededWeights(config: RunConfig, seed = 1, scale = 0.5): Map<string, Float32Array> {
  const next = mulberry32(seed);
  const out = new Map<string, Float32Array>();
  for (const [name, shape] of parameterShapes(config)) out.set(name, Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => (2 * next() - 1) * scale));
  return out;
}

/** A few metric rows with gaps (NaN cells), as a run logs them. */
export function sampleMetrics(rows = 5): MetricsBuffer {
  const m = new MetricsBuffer();
  for (let s = 1; s <= rows; s++) m.append({ step: s, loss: 2.5 / s, taskLoss: 2.4 / s, lr: 1e-4 * s, ...(s % 2 === 0 ? { valAccuracy: 0.1 * s } : {}) });
  return m;
}

/** AdamW moments for every trainable parameter (state such as Performer's features has none). */
export function sampleOptimizer(config: RunConfig, step = 7): OptimizerState {
  const trainable = (w: Map<string, Float32Array>) => new Map([...w].filter(([name]) => !isStateName(name)));
  const a = trainable(seededWeights(config, 11, 0.01));
  const b = trainable(seededWeights(config, 12, 0.001));
  for (const v of b.values()) for (let i = 0; i < v.length; i++) v[i] = Math.abs(v[i]);
  return { step, expAvg: a, expAvgSq: b };
}
