/**
 * The common shape of the five Long Range Arena tasks: what the model needs to size itself
 * (vocabulary, classes, sequence length, one or two towers), what the UI shows (split sizes,
 * class balance, an explanation), and batches in the layout of docs/model-contract.md:
 * `tokens` i32 [B·n] row-major, `mask` f32 [B·n] (1 valid, 0 padding), `labels` i32 [B],
 * two-tower tasks add `tokens2` / `mask2`. Token id 0 is padding in every task.
 */

export type Split = 'train' | 'validation' | 'test';
export const SPLITS: readonly Split[] = ['train', 'validation', 'test'];

/** Stream key of a split: disjoint RNG streams per split. */
export function splitKey(split: Split): number {
  return SPLITS.indexOf(split) + 1;
}

export type TaskName = 'listops' | 'text' | 'retrieval' | 'image' | 'pathfinder' | 'custom';

/** One example: unpadded token ids (0 never appears inside) and its class. */
export interface Example {
  tokens: Int32Array;
  tokens2?: Int32Array;
  label: number;
}

export interface Batch {
  batchSize: number;
  seqLen: number;
  tokens: Int32Array;
  mask: Float32Array;
  labels: Int32Array;
  tokens2?: Int32Array;
  mask2?: Float32Array;
}

/** Class counts of a split and how many examples they were measured on. */
export interface ClassBalance {
  counts: number[];
  measured: number;
}

/**
 * The runtime task: a seeded source of examples and batches for one data seed (the per-task
 * facts of the run config, classes and paper sizes, are `TASK_FACTS` in src/config/tasks.ts).
 */
export interface TaskSource {
  name: TaskName;
  vocabSize: number;
  numClasses: number;
  seqLen: number;
  twoTower: boolean;
  splitSizes: Record<Split, number>;
  /** What the task is, what LRA used, what the stand-in is, and the split rule (for the UI). */
  info: string;
  /** Example i of a split (i in [0, size)), deterministic for the task's data seed. */
  example(split: Split, i: number): Example;
  /** Examples (index·B + j) mod size for j < B, packed and padded/truncated to seqLen. */
  batch(split: Split, index: number, batchSize: number): Batch;
  /** Class counts of a split, measured on its first `limit` examples (default: all stored examples; the first 2000 of a generated train split). */
  classBalance(split: Split, limit?: number): ClassBalance;
}

/** Throws unless `value` is an integer in [lo, hi]; names the parameter and the allowed range. */
export function checkInt(name: string, value: number, lo: number, hi = Number.MAX_SAFE_INTEGER): void {
  if (!Number.isInteger(value) || value < lo || value > hi) {
    throw new Error(`${name} must be an integer in [${lo}, ${hi}], got ${value}`);
  }
}

/** Packs examples into a batch, truncating each to seqLen and padding with id 0. */
export function packBatch(examples: Example[], seqLen: number, twoTower: boolean): Batch {
  const B = examples.length;
  const tokens = new Int32Array(B * seqLen);
  const mask = new Float32Array(B * seqLen);
  const labels = new Int32Array(B);
  const tokens2 = twoTower ? new Int32Array(B * seqLen) : undefined;
  const mask2 = twoTower ? new Float32Array(B * seqLen) : undefined;
  for (let b = 0; b < B; b++) {
    const ex = examples[b];
    labels[b] = ex.label;
    writeRow(ex.tokens, tokens, mask, b * seqLen, seqLen);
    if (twoTower) {
      if (!ex.tokens2) throw new Error('two-tower batch: example has no tokens2');
      writeRow(ex.tokens2, tokens2!, mask2!, b * seqLen, seqLen);
    }
  }
  return twoTower ? { batchSize: B, seqLen, tokens, mask, labels, tokens2, mask2 } : { batchSize: B, seqLen, tokens, mask, labels };
}

function writeRow(src: Int32Array, dst: Int32Array, mask: Float32Array, offset: number, seqLen: number): void {
  const n = Math.min(src.length, seqLen);
  dst.set(n === src.length ? src : src.subarray(0, n), offset);
  mask.fill(1, offset, offset + n);
}

/** The example indices of batch `index` of size B in a split of `size` examples (wrapping around). */
export function batchIndices(size: number, index: number, batchSize: number): number[] {
  checkInt('batch index', index, 0);
  checkInt('batch size', batchSize, 1);
  if (size < 1) throw new Error('split is empty');
  const out: number[] = new Array(batchSize);
  for (let j = 0; j < batchSize; j++) out[j] = (index * batchSize + j) % size;
  return out;
}

/** Counts labels of examples 0..limit-1 of a split. */
export function countClasses(
  task: Pick<TaskSource, 'numClasses' | 'splitSizes'>,
  label: (i: number) => number,
  split: Split,
  limit?: number,
): ClassBalance {
  const n = Math.min(limit ?? task.splitSizes[split], task.splitSizes[split]);
  const counts = new Array<number>(task.numClasses).fill(0);
  for (let i = 0; i < n; i++) counts[label(i)]++;
  return { counts, measured: n };
}
