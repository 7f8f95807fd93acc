/**
 * A prepared user dataset as a TaskSource: the stored splits, each in a seeded order (the data seed
 * orders, the split seed fixed at preparation decides membership), tokens = byte + 1.
 */
import { streamRng } from '../rng';
import { shuffleInPlace } from '../corpora/stored';
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
import { SPLIT_CODE, type PreparedDataset } from './prepare';

/** Stream key of user datasets in streamRng (the LRA tasks use 1–5). */
const USER_TASK_KEY = 6;

export class UserDataTask implements TaskSource {
  readonly name = 'custom' as const;
  readonly vocabSize = 257;
  readonly numClasses: number;
  readonly twoTower: boolean;
  readonly seqLen: number;
  readonly splitSizes: Record<Split, number>;
  readonly info: string;
  private readonly order: Record<Split, number[]>;

  constructor(
    readonly data: PreparedDataset,
    seqLen: number,
    readonly dataSeed: number,
    readonly id = '',
  ) {
    const h = data.header;
    checkInt('seqLen', seqLen, 1, 1 << 16);
    this.seqLen = seqLen;
    this.numClasses = h.classes.length;
    this.twoTower = h.kind === 'pairs';
    const order = {} as Record<Split, number[]>;
    for (const s of SPLITS) {
      const items: number[] = [];
      for (let i = 0; i < h.count; i++) if (data.split[i] === SPLIT_CODE[s]) items.push(i);
      order[s] = shuffleInPlace(items, streamRng(dataSeed, USER_TASK_KEY, splitKey(s)));
    }
    this.order = order;
    this.splitSizes = { train: order.train.length, validation: order.validation.length, test: order.test.length };
    const what =
      h.kind === 'image'
        ? `${h.imageSide}×${h.imageSide} grey images, pixel + 1 per token`
        : h.kind === 'pairs'
          ? 'pairs of texts in two towers, UTF-8 byte + 1 per token'
          : 'texts as UTF-8 bytes, byte + 1 per token';
    this.info = [
      `Your data: ${h.name}${id ? ` (${id})` : ''}, ${h.classes.length} classes (${h.classes.slice(0, 10).join(', ')}${h.classes.length > 10 ? ', …' : ''}), ${what} (vocabulary 257), truncated or padded to ${seqLen}.`,
      `${h.count} distinct examples (${h.dropped.duplicates} duplicates dropped${h.dropped.conflicting ? `, ${h.dropped.conflicting} of them with another label` : ''}; ${h.truncated} inputs longer than ${h.seqLen} cut at preparation).`,
      `Split rule: cyrb53 of the model's input with split seed ${h.splitSeed}, mod 100: < ${h.testPercent} test, < ${h.testPercent + h.validationPercent} validation, else train (equal inputs never straddle splits).`,
    ].join('\n');
  }

  /** The dataset index of example i of a split. */
  itemOf(split: Split, i: number): number {
    checkInt(`${split} example index`, i, 0, this.splitSizes[split] - 1);
    return this.order[split][i];
  }

  example(split: Split, i: number): Example {
    const k = this.itemOf(split, i);
    const tower = (t: number) => {
      const off = this.data.offsets[t];
      const n = Math.min(off[k + 1] - off[k], this.seqLen);
      const out = new Int32Array(n);
      const src = this.data.bytes[t];
      for (let j = 0; j < n; j++) out[j] = src[off[k] + j] + 1;
      return out;
    };
    return this.twoTower
      ? { tokens: tower(0), tokens2: tower(1), label: this.data.labels[k] }
      : { tokens: tower(0), label: this.data.labels[k] };
  }

  batch(split: Split, index: number, batchSize: number): Batch {
    return packBatch(
      batchIndices(this.splitSizes[split], index, batchSize).map((i) => this.example(split, i)),
      this.seqLen,
      this.twoTower,
    );
  }

  classBalance(split: Split, limit?: number): ClassBalance {
    return countClasses(this, (i) => this.data.labels[this.order[split][i]], split, limit);
  }
}
