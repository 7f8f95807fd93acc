/**
 * Preparing a dataset for training: tokens truncated to the prepared length, duplicates of
 * the model's input dropped, and a seeded split into train / validation / test.
 *
 * - Input: the bytes of a text (token = byte + 1, like LRA Text) or the grey pixels of an
 *   image (token = pixel + 1, like LRA Image), truncated to `seqLen`. Stored as the byte values.
 * - De-duplication: cyrb53 (src/data/hash.ts) of what the model sees (both towers for pairs).
 *   The first example with an input is kept; later ones are dropped and counted (and counted
 *   as conflicting when their label differs).
 * - Split: cyrb53 of the kept input with the split seed, mod 100: below testPercent → test,
 *   below testPercent + validationPercent → validation, else train. Equal inputs cannot straddle
 *   splits, and the rule does not depend on the file's row order.
 */
import { hash53 } from '../hash';
import { SPLITS, type Split } from '../task';
import { labelClasses, type DataKind, type RawExample } from './examples';
import { UserDataError, type UserDataLimits } from './limits';

export const SPLIT_CODE: Record<Split, number> = { train: 0, validation: 1, test: 2 };

export interface PrepareOptions {
  name: string;
  kind: DataKind;
  /** Tokens kept per input (per tower for pairs); longer inputs are truncated. */
  seqLen: number;
  splitSeed: number;
  validationPercent: number;
  testPercent: number;
  /** Image side in pixels (images only). */
  imageSide?: number;
}

export const DEFAULT_PREPARE = { seqLen: 1024, splitSeed: 0, validationPercent: 10, testPercent: 10 } as const;
export const MAX_PREPARED_SEQ_LEN = 16384;

/** The JSON header of a prepared dataset (see format.ts for the file). */
export interface DatasetHeader {
  format: 'proxyformer-playground/dataset@1';
  name: string;
  kind: DataKind;
  /** Label string of each class. */
  classes: string[];
  seqLen: number;
  imageSide?: number;
  splitSeed: number;
  validationPercent: number;
  testPercent: number;
  count: number;
  sizes: Record<Split, number>;
  /** Examples per class in each split. */
  classCounts: Record<Split, number[]>;
  dropped: { duplicates: number; conflicting: number };
  /** Inputs longer than seqLen (cut). */
  truncated: number;
  /** Longest input before truncation, in tokens. */
  longest: number;
}

/** A prepared dataset: example i has inputs `bytes[t].subarray(offsets[t][i], offsets[t][i+1])`. */
export interface PreparedDataset {
  header: DatasetHeader;
  labels: Uint16Array;
  split: Uint8Array;
  offsets: Uint32Array[];
  bytes: Uint8Array[];
}

export const DATASET_FORMAT = 'proxyformer-playground/dataset@1';

function checkOptions(o: PrepareOptions): void {
  const bad = (what: string) => {
    throw new UserDataError('format', what);
  };
  if (!Number.isInteger(o.seqLen) || o.seqLen < 1 || o.seqLen > MAX_PREPARED_SEQ_LEN)
    bad(`seqLen ${o.seqLen} must be an integer from 1 to ${MAX_PREPARED_SEQ_LEN}.`);
  if (!Number.isInteger(o.splitSeed) || o.splitSeed < 0 || o.splitSeed > 0xffffffff)
    bad(`split seed ${o.splitSeed} must be an integer from 0 to 4294967295.`);
  for (const [k, v] of [
    ['validationPercent', o.validationPercent],
    ['testPercent', o.testPercent],
  ] as const) {
    if (!Number.isInteger(v) || v < 1 || v > 49) bad(`${k} ${v} must be an integer from 1 to 49.`);
  }
  if (o.name.length === 0 || o.name.length > 80) bad(`the dataset name must have 1 to 80 characters, got ${o.name.length}.`);
}

/** The 53-bit hash of what the model sees of an example (its truncated input or inputs). */
export function inputHash(inputs: Uint8Array[], seed = 0): number {
  let h = hash53(inputs[0], seed);
  for (let t = 1; t < inputs.length; t++) h = hash53(inputs[t], (h ^ (h / 4294967296)) >>> 0);
  return h;
}

/** Which split an input goes to. */
export function splitOf(inputs: Uint8Array[], o: Pick<PrepareOptions, 'splitSeed' | 'validationPercent' | 'testPercent'>): Split {
  const bucket = inputHash(inputs, o.splitSeed) % 100;
  if (bucket < o.testPercent) return 'test';
  if (bucket < o.testPercent + o.validationPercent) return 'validation';
  return 'train';
}

/** Tokenises, de-duplicates and splits raw examples. */
export function prepareDataset(raw: RawExample[], options: PrepareOptions, limits: UserDataLimits): PreparedDataset {
  checkOptions(options);
  const towers = options.kind === 'pairs' ? 2 : 1;
  const classes = labelClasses(
    raw.map((r) => r.label),
    limits,
    options.name,
  );
  const classOf = new Map(classes.map((c, i) => [c, i]));
  const seen = new Map<number, number>(); // input hash → label of the kept example
  const kept: { inputs: Uint8Array[]; label: number; split: Split }[] = [];
  let duplicates = 0;
  let conflicting = 0;
  let truncated = 0;
  let longest = 0;
  for (const r of raw) {
    if (r.inputs.length !== towers)
      throw new UserDataError('format', `a ${options.kind} example needs ${towers} input(s), got ${r.inputs.length}.`);
    const inputs = r.inputs.map((b) => {
      longest = Math.max(longest, b.length);
      if (b.length > options.seqLen) truncated++;
      return b.length > options.seqLen ? b.subarray(0, options.seqLen) : b;
    });
    const label = classOf.get(r.label)!;
    const h = inputHash(inputs);
    const prev = seen.get(h);
    if (prev !== undefined) {
      duplicates++;
      if (prev !== label) conflicting++;
      continue;
    }
    seen.set(h, label);
    kept.push({ inputs, label, split: splitOf(inputs, options) });
  }
  const sizes = { train: 0, validation: 0, test: 0 } as Record<Split, number>;
  const classCounts = {} as Record<Split, number[]>;
  for (const s of SPLITS) classCounts[s] = new Array<number>(classes.length).fill(0);
  for (const k of kept) {
    sizes[k.split]++;
    classCounts[k.split][k.label]++;
  }
  for (const s of SPLITS) {
    if (sizes[s] === 0) {
      throw new UserDataError(
        'empty',
        `${options.name}: the ${s} split is empty (${kept.length} distinct examples, ${options.validationPercent}% validation, ${options.testPercent}% test): add examples or raise the percentage.`,
      );
    }
  }
  const offsets: Uint32Array[] = [];
  const bytes: Uint8Array[] = [];
  for (let t = 0; t < towers; t++) {
    const off = new Uint32Array(kept.length + 1);
    for (let i = 0; i < kept.length; i++) off[i + 1] = off[i] + kept[i].inputs[t].length;
    const all = new Uint8Array(off[kept.length]);
    for (let i = 0; i < kept.length; i++) all.set(kept[i].inputs[t], off[i]);
    offsets.push(off);
    bytes.push(all);
  }
  const header: DatasetHeader = {
    format: DATASET_FORMAT,
    name: options.name,
    kind: options.kind,
    classes,
    seqLen: options.seqLen,
    ...(options.kind === 'image' ? { imageSide: options.imageSide } : {}),
    splitSeed: options.splitSeed,
    validationPercent: options.validationPercent,
    testPercent: options.testPercent,
    count: kept.length,
    sizes,
    classCounts,
    dropped: { duplicates, conflicting },
    truncated,
    longest,
  };
  return {
    header,
    labels: Uint16Array.from(kept, (k) => k.label),
    split: Uint8Array.from(kept, (k) => SPLIT_CODE[k.split]),
    offsets,
    bytes,
  };
}
