/**
 * Generated tasks (ListOps, Pathfinder) as random-access splits. Example i of a split comes
 * from its own RNG stream (dataSeed, task, split, i), so splits use disjoint streams. On top
 * of that, like LRA's set of trees, examples are de-duplicated across splits by content hash:
 * the validation and test splits are generated eagerly (validation first, each example
 * redrawn from its own stream while its hash equals an earlier one), and a train example is
 * redrawn while its hash is in validation ∪ test. Train examples are generated on demand, so
 * a 96000-tree train split costs no memory; duplicates WITHIN the train split are not
 * removed (for 501+-token trees or 1024-pixel images they are vanishingly rare; the tests
 * count them on a sample).
 */

import { hash53 } from './hash';
import { type Sfc32, streamRng } from './rng';
import {
  batchIndices,
  checkInt,
  type ClassBalance,
  countClasses,
  type Example,
  packBatch,
  type Split,
  splitKey,
  type TaskSource,
  type TaskName,
  type Batch,
} from './task';

export interface SyntheticGenerator {
  sample(rng: Sfc32): Example;
}

export interface SplitSizes {
  train: number;
  validation: number;
  test: number;
}

/** An eagerly generated split, flat so that it can be posted from a worker without copying. */
export interface PackedSplit {
  tokens: Int32Array;
  offsets: Int32Array; // example e is tokens[offsets[e] .. offsets[e+1])
  labels: Int32Array;
}

export interface EvalPools {
  validation: PackedSplit;
  test: PackedSplit;
}

const MAX_REDRAWS = 1000;
const TASK_KEYS: Record<TaskName, number> = { listops: 1, text: 2, retrieval: 3, image: 4, pathfinder: 5, custom: 6 };

function drawUnique(
  gen: SyntheticGenerator,
  seed: number,
  task: TaskName,
  split: Split,
  i: number,
  seen: (h: number) => boolean,
): { ex: Example; hash: number } {
  const rng = streamRng(seed, TASK_KEYS[task], splitKey(split), i);
  for (let k = 0; k < MAX_REDRAWS; k++) {
    const ex = gen.sample(rng);
    const h = hash53(ex.tokens);
    if (!seen(h)) return { ex, hash: h };
  }
  throw new Error(
    `${task}: ${MAX_REDRAWS} duplicates in a row for ${split} example ${i}; the generator's settings leave too few distinct examples`,
  );
}

/** Generates the validation and test splits (de-duplicated). */
export function buildEvalPools(task: TaskName, gen: SyntheticGenerator, seed: number, sizes: SplitSizes): EvalPools {
  const seen = new Set<number>();
  const build = (split: 'validation' | 'test'): PackedSplit => {
    const n = sizes[split];
    const examples: Example[] = [];
    let total = 0;
    for (let i = 0; i < n; i++) {
      const { ex, hash } = drawUnique(gen, seed, task, split, i, (h) => seen.has(h));
      seen.add(hash);
      examples.push(ex);
      total += ex.tokens.length;
    }
    return packSplit(examples, total);
  };
  const validation = build('validation');
  const test = build('test');
  return { validation, test };
}

function packSplit(examples: Example[], total: number): PackedSplit {
  const tokens = new Int32Array(total);
  const offsets = new Int32Array(examples.length + 1);
  const labels = new Int32Array(examples.length);
  examples.forEach((ex, e) => {
    tokens.set(ex.tokens, offsets[e]);
    offsets[e + 1] = offsets[e] + ex.tokens.length;
    labels[e] = ex.label;
  });
  return { tokens, offsets, labels };
}

function unpack(p: PackedSplit, e: number): Example {
  return { tokens: p.tokens.subarray(p.offsets[e], p.offsets[e + 1]), label: p.labels[e] };
}

export interface SyntheticMeta {
  name: TaskName;
  vocabSize: number;
  numClasses: number;
  seqLen: number;
  info: string;
}

/** Train examples measured for the class balance when no limit is given (generating all would take long). */
const TRAIN_BALANCE_SAMPLE = 2000;

/** A generated task over eagerly built evaluation splits and an on-demand train split. */
export class SyntheticTask implements TaskSource {
  readonly name: TaskName;
  readonly vocabSize: number;
  readonly numClasses: number;
  readonly seqLen: number;
  readonly twoTower = false;
  readonly info: string;
  readonly splitSizes: Record<Split, number>;
  private readonly evalHashes = new Set<number>();

  constructor(
    meta: SyntheticMeta,
    private readonly gen: SyntheticGenerator,
    readonly dataSeed: number,
    sizes: SplitSizes,
    private readonly pools: EvalPools,
  ) {
    this.name = meta.name;
    this.vocabSize = meta.vocabSize;
    this.numClasses = meta.numClasses;
    this.seqLen = meta.seqLen;
    this.info = meta.info;
    checkInt(`${meta.name} train size`, sizes.train, 1);
    if (pools.validation.labels.length !== sizes.validation || pools.test.labels.length !== sizes.test) {
      throw new Error(
        `${meta.name}: evaluation pools hold ${pools.validation.labels.length}/${pools.test.labels.length} examples, expected ${sizes.validation}/${sizes.test}`,
      );
    }
    this.splitSizes = { ...sizes };
    for (const p of [pools.validation, pools.test]) {
      for (let e = 0; e < p.labels.length; e++) this.evalHashes.add(hash53(unpack(p, e).tokens));
    }
  }

  example(split: Split, i: number): Example {
    checkInt(`${split} example index`, i, 0, this.splitSizes[split] - 1);
    if (split !== 'train') return unpack(this.pools[split], i);
    return drawUnique(this.gen, this.dataSeed, this.name, 'train', i, (h) => this.evalHashes.has(h)).ex;
  }

  batch(split: Split, index: number, batchSize: number): Batch {
    const ids = batchIndices(this.splitSizes[split], index, batchSize);
    return packBatch(
      ids.map((i) => this.example(split, i)),
      this.seqLen,
      false,
    );
  }

  classBalance(split: Split, limit?: number): ClassBalance {
    const lim = limit ?? (split === 'train' ? TRAIN_BALANCE_SAMPLE : undefined);
    if (split !== 'train') {
      const labels = this.pools[split].labels;
      return countClasses(this, (i) => labels[i], split, lim);
    }
    return countClasses(this, (i) => this.example('train', i).label, split, lim);
  }
}
