/**
 * The prepared corpus files under `public/data/` (written by scripts/prepare-corpora.ts,
 * read by load.ts in the browser and in Node tests): a flat `.bin` of bytes and a small JSON
 * index. Shared here so the writer and the reader cannot drift apart.
 *
 * spam.bin:  the bodies of the SpamAssassin mails (after the header block), each truncated to
 *            MAX_MAIL_BYTES, concatenated; spam.json: offsets, class, folder, thread, split.
 * mnist.bin: 28×28 = 784 bytes per digit (pixel 0–255, row-major); mnist.json: labels, splits.
 */

export const SPAM_FORMAT = 'proxyformer-playground/spam@1';
export const MNIST_FORMAT = 'proxyformer-playground/mnist@1';
export const MAX_MAIL_BYTES = 4096;
export const MNIST_PIXELS = 784;

/** Split codes stored in the index files. */
export const SPLIT_CODES = { train: 0, validation: 1, test: 2 } as const;

export interface SpamIndex {
  format: typeof SPAM_FORMAT;
  source: { package: string; version: string };
  /** The rule, in words, for the UI. */
  splitRule: string;
  maxBytes: number;
  folders: string[];
  count: number;
  /** count + 1 byte offsets into spam.bin. */
  offsets: number[];
  /** 0 ham, 1 spam. */
  labels: number[];
  folder: number[];
  /** Thread id: mails of the same class with the same normalised subject share it; -1 alone. */
  thread: number[];
  split: number[];
  /** `<folder>/<file>` of each mail, for the renderer. */
  names: string[];
  /** Mails dropped because their kept bytes equal an earlier mail's, or because the body is empty. */
  dropped: { duplicates: number; empty: number };
}

export interface MnistIndex {
  format: typeof MNIST_FORMAT;
  source: { package: string; version: string };
  splitRule: string;
  count: number;
  labels: number[];
  split: number[];
  dropped: { duplicates: number };
}

function fail(file: string, what: string): never {
  throw new Error(`${file}: ${what} (re-run \`npx tsx scripts/prepare-corpora.ts\`)`);
}

function checkArray(file: string, name: string, a: unknown, n: number): void {
  if (!Array.isArray(a) || a.length !== n) fail(file, `field ${name} must be an array of ${n} numbers`);
}

/** Validates a parsed spam.json against the bytes of spam.bin. */
export function checkSpamIndex(ix: SpamIndex, binLength: number): SpamIndex {
  const f = 'spam.json';
  if (ix.format !== SPAM_FORMAT) fail(f, `format is ${JSON.stringify(ix.format)}, expected ${SPAM_FORMAT}`);
  checkArray(f, 'offsets', ix.offsets, ix.count + 1);
  for (const k of ['labels', 'folder', 'thread', 'split', 'names'] as const) checkArray(f, k, ix[k], ix.count);
  if (ix.offsets[ix.count] !== binLength) fail(f, `offsets end at ${ix.offsets[ix.count]} but spam.bin holds ${binLength} bytes`);
  return ix;
}

/** Validates a parsed mnist.json against the bytes of mnist.bin. */
export function checkMnistIndex(ix: MnistIndex, binLength: number): MnistIndex {
  const f = 'mnist.json';
  if (ix.format !== MNIST_FORMAT) fail(f, `format is ${JSON.stringify(ix.format)}, expected ${MNIST_FORMAT}`);
  checkArray(f, 'labels', ix.labels, ix.count);
  checkArray(f, 'split', ix.split, ix.count);
  if (ix.count * MNIST_PIXELS !== binLength)
    fail(f, `${ix.count} digits need ${ix.count * MNIST_PIXELS} bytes but mnist.bin holds ${binLength}`);
  return ix;
}
