/** Helpers for tasks over prepared corpora: a seeded order of each split's examples. */

import type { Sfc32 } from '../rng';
import { SPLIT_CODES } from './format';
import type { Split } from '../task';

/** Fisher–Yates shuffle in place with a seeded stream. */
export function shuffleInPlace<T>(a: T[], rng: Sfc32): T[] {
  for (let i = a.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    const t = a[i];
    a[i] = a[j];
    a[j] = t;
  }
  return a;
}

/** The corpus items of a split (by its stored split code), in corpus order. */
export function itemsOfSplit(splitCodes: readonly number[], split: Split): number[] {
  const code = SPLIT_CODES[split];
  const out: number[] = [];
  for (let i = 0; i < splitCodes.length; i++) if (splitCodes[i] === code) out.push(i);
  return out;
}

/** Bytes → tokens (byte + 1), so that 0 stays padding. */
export function bytesToTokens(bytes: Uint8Array, limit: number): Int32Array {
  const n = Math.min(bytes.length, limit);
  const t = new Int32Array(n);
  for (let i = 0; i < n; i++) t[i] = bytes[i] + 1;
  return t;
}
