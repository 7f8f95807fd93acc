/**
 * The data generators' pseudo-random numbers: sfc32 (Chris Doty-Humphrey's "Small Fast
 * Counting" generator from PractRand, 128-bit state, passes PractRand and BigCrush), seeded
 * from (dataSeed, stream keys) through the murmur3 finaliser. This is deliberately separate
 * from the engine's counter-based dropout RNG (`src/engine/cpu/random.ts`): data streams are
 * sequential, and a data seed must never correlate with an init or dropout seed.
 *
 * Every example is drawn from its own stream keyed by (dataSeed, split, index), so an
 * example is reproducible on its own (random access) and splits use disjoint streams.
 */

/** murmur3's 32-bit finaliser: a bijective avalanche mix of a u32. */
export function mix32(h: number): number {
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/** A sequential sfc32 generator. */
export class Sfc32 {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(a: number, b: number, c: number, d: number) {
    this.a = a >>> 0;
    this.b = b >>> 0;
    this.c = c >>> 0;
    this.d = d >>> 0;
    // The reference seeding discards the first outputs so that similar seeds decorrelate.
    for (let i = 0; i < 12; i++) this.nextU32();
  }

  /** The next u32. */
  nextU32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }

  /** A float in [0, 1) with 32 random bits. */
  float(): number {
    return this.nextU32() / 4294967296;
  }

  /** An integer uniform in [0, n) (n ≤ 2^32; the floor(u·n) bias is below 2^-32·n). */
  int(n: number): number {
    return Math.floor(this.float() * n);
  }

  /** An integer uniform in [lo, hi], both inclusive (Python's random.randint). */
  intIn(lo: number, hi: number): number {
    return lo + this.int(hi - lo + 1);
  }
}

/** The stream for (seed, keys…): each key is folded in with mix32, so distinct key lists give unrelated streams. */
export function streamRng(seed: number, ...keys: number[]): Sfc32 {
  if (!Number.isInteger(seed) || seed < 0 || seed > 0xffffffff) {
    throw new Error(`data seed must be an integer in [0, 2^32), got ${seed}`);
  }
  let h = mix32(seed ^ 0x9e3779b9);
  for (const k of keys) h = mix32((h ^ mix32((k >>> 0) + 0x7f4a7c15)) >>> 0);
  return new Sfc32(h, mix32(h ^ 0x243f6a88), mix32(h ^ 0x85a308d3), mix32(h ^ 0x13198a2e));
}
