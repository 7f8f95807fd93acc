/** Tiny model configs for the tests: the paper's structure at sizes a software adapter runs in seconds. */
import { defaultConfig, modelConfig, type Attention, type ModelConfig } from '../../config';

/** d 16, 2 heads, ffn 24, n 16, m 4, 2 layers, 3 classes, vocab 11, conv 3; `over` changes any key. */
export function tinyConfig(attention: Attention, over: Partial<ModelConfig> = {}): ModelConfig {
  return {
    ...modelConfig(defaultConfig('listops', attention)),
    layers: 2,
    dModel: 16,
    heads: 2,
    ffn: 24,
    vocabSize: 11,
    numClasses: 3,
    seqLen: 16,
    landmarks: 4,
    convKernel: 3,
    dropout: 0.1,
    attentionDropout: 0.1,
    ...over,
  };
}
