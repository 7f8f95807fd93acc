/**
 * Text, the stand-in for LRA's byte-level IMDb: spam vs ham of the SpamAssassin public
 * corpus, the mail body as UTF-8 bytes, token = byte + 1 (vocabulary 257), truncated or
 * padded to seqLen. The order of each split is a seeded shuffle of its mails.
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
import type { SpamCorpus } from './load';
import { bytesToTokens, itemsOfSplit, shuffleInPlace } from './stored';

export interface TextConfig {
  seqLen: number;
}

/** Presets: `paper` is 4K bytes (LRA picks the best of 1K–4K; Nyströmformer used 4K), `small` 1K. */
export const TEXT_PRESETS: Record<'paper' | 'small', TextConfig> = { paper: { seqLen: 4096 }, small: { seqLen: 1024 } };

/** The bytes of mail i of the corpus. */
export function mailBytes(c: SpamCorpus, i: number): Uint8Array {
  return c.bytes.subarray(c.index.offsets[i], c.index.offsets[i + 1]);
}

export class TextTask implements TaskSource {
  readonly name = 'text' as const;
  readonly vocabSize = 257;
  readonly numClasses = 2;
  readonly twoTower = false;
  readonly seqLen: number;
  readonly splitSizes: Record<Split, number>;
  readonly info: string;
  private readonly order: Record<Split, number[]>;

  constructor(
    private readonly corpus: SpamCorpus,
    config: TextConfig,
    readonly dataSeed: number,
  ) {
    checkInt('Text seqLen', config.seqLen, 1, corpus.index.maxBytes);
    this.seqLen = config.seqLen;
    const order = {} as Record<Split, number[]>;
    for (const s of SPLITS) order[s] = shuffleInPlace(itemsOfSplit(corpus.index.split, s), streamRng(dataSeed, 2, splitKey(s)));
    // The model reads the first seqLen bytes: de-duplicate on those (src/data/dedupe.ts).
    const unique = dedupeSplits(order, (m) => hash53(mailBytes(corpus, m).subarray(0, this.seqLen)));
    this.order = unique.orders;
    this.splitSizes = { train: this.order.train.length, validation: this.order.validation.length, test: this.order.test.length };
    const ix = corpus.index;
    this.info = [
      'Text: is this mail spam or ham (2 classes)? The model reads the mail body as raw bytes, token = byte + 1 (vocabulary 257, id 0 = padding), truncated or padded to ' +
        this.seqLen +
        ' bytes.',
      `LRA uses byte-level IMDb movie reviews (positive/negative). Stand-in here: the SpamAssassin public corpus (npm ${ix.source.package} ${ix.source.version}), ${ix.count} distinct mails, bodies only (headers removed because they carry the collectors' addresses), at most ${ix.maxBytes} bytes each.`,
      `Split rule: ${ix.splitRule}`,
      dedupeNote(unique.removed, `the first ${this.seqLen} bytes`),
    ].join('\n');
  }

  /** The corpus index of example i of a split (for the renderer). */
  mailOf(split: Split, i: number): number {
    checkInt(`${split} example index`, i, 0, this.splitSizes[split] - 1);
    return this.order[split][i];
  }

  example(split: Split, i: number): Example {
    const m = this.mailOf(split, i);
    return { tokens: bytesToTokens(mailBytes(this.corpus, m), this.seqLen), label: this.corpus.index.labels[m] };
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
