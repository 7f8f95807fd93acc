/**
 * De-duplication on what the model sees. The corpora are de-duplicated on whole mails and
 * digits when prepared, but a model reads mails cut to seqLen bytes and digits averaged to 14×14
 * or 7×7: two different mails that start alike, or two digits that pool alike, become the same
 * input. So each task drops, in split order train → validation → test, every example whose
 * input (hashed after truncation or pooling) equals an earlier one: no test input was learned
 * in training, and no input counts twice within a split.
 */
import { SPLITS, type Split } from './task';

export interface Deduplicated<T> {
  orders: Record<Split, T[]>;
  /** How many examples each split lost. */
  removed: Record<Split, number>;
}

/** Keep the first example of each input hash, over the splits in order. */
export function dedupeSplits<T>(orders: Record<Split, T[]>, inputHash: (item: T) => number): Deduplicated<T> {
  const seen = new Set<number>();
  const out = {} as Record<Split, T[]>;
  const removed = {} as Record<Split, number>;
  for (const s of SPLITS) {
    out[s] = orders[s].filter((item) => {
      const h = inputHash(item);
      if (seen.has(h)) return false;
      seen.add(h);
      return true;
    });
    removed[s] = orders[s].length - out[s].length;
  }
  return { orders: out, removed };
}

/** One line for a task's info: how many inputs were dropped as repeats. */
export function dedupeNote(removed: Record<Split, number>, what: string): string {
  const total = removed.train + removed.validation + removed.test;
  if (total === 0) return `No two examples give the model the same input (${what}).`;
  return `${total} examples dropped because the model would see the same input as an earlier one (${what}): train ${removed.train}, validation ${removed.validation}, test ${removed.test}.`;
}
