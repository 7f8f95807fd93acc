/** Tiny runs for the runtime's tests: a config small enough for a few steps in well under a second per step. */
import { validateConfig, type Attention, type RunConfig } from '../config';
import { getPreset } from '../presets';

/** The quick ListOps preset shrunk further (d 16, n 32, m 8, Linformer k 8, Performer F 16, batch 4), for `attention`. */
export function tinyConfig(attention: Attention, overrides: Partial<RunConfig> = {}): RunConfig {
  const base = getPreset(`quick-listops-${attention}`)!.config;
  const { config, ok, issues } = validateConfig({
    ...base,
    dModel: 16,
    heads: 2,
    ffn: 32,
    layers: 1,
    seqLen: 32,
    landmarks: 8,
    convKernel: 5,
    linformerK: 8,
    performerFeatures: 16,
    listopsMinLen: 8,
    listopsMaxLen: 30,
    batchSize: 4,
    steps: 40,
    warmupSteps: 4,
    evalEvery: 10,
    evalSteps: 2,
    checkpointEvery: 5,
    ...overrides,
  });
  if (!ok) throw new Error(`tiny config is invalid: ${issues.map((i) => i.message).join(' ')}`);
  return config;
}
