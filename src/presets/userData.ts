/**
 * The quick model for a user dataset (`npm run train -- --data FILE` alone, and the page's
 * "Use this dataset"): the quick presets' tiny model (src/presets/quick.ts: d 32, 2 heads,
 * ffn 64, batch 16, lr 1e-3, no dropout), with the sequence and schedule sized to the data.
 */
import type { RunConfig } from '../config';
import type { DatasetHeader } from '../data/userData/prepare';

/** Longest fed sequence of the quick model: longer inputs are cut (the prepared file keeps them whole up to its own length). */
export const QUICK_DATA_MAX_SEQ = 512;
const LANDMARKS = 16;

/**
 * seqLen: the longest input (images: side²) rounded up to a multiple of 16 landmarks (Nyström
 * segments), at most 512. Steps: about 4 epochs of the training split, 200 to 2000.
 * Validation: the whole split, at most 20 batches, every 50 steps.
 */
export function quickDataConfig(h: DatasetHeader): Partial<RunConfig> {
  const batchSize = 16;
  const natural = h.kind === 'image' ? h.seqLen : Math.min(h.longest, h.seqLen);
  const seqLen = Math.min(QUICK_DATA_MAX_SEQ, Math.max(LANDMARKS, Math.ceil(natural / LANDMARKS) * LANDMARKS));
  const steps = Math.min(2000, Math.max(200, Math.ceil((4 * h.sizes.train) / batchSize)));
  return {
    layers: 1,
    dModel: 32,
    heads: 2,
    ffn: 64,
    batchSize,
    lr: 1e-3,
    dropout: 0,
    attentionDropout: 0,
    seqLen,
    landmarks: LANDMARKS,
    convKernel: 9,
    vocabSize: 257,
    steps,
    warmupSteps: Math.round(steps / 10),
    evalEvery: 50,
    evalSteps: Math.min(20, Math.ceil(h.sizes.validation / batchSize)),
    checkpointEvery: 100,
  };
}
