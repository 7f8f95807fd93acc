/**
 * A 53-bit content hash (cyrb53, public domain) over token or byte arrays, used to
 * de-duplicate examples across splits and to derive deterministic splits of the corpora.
 * 53 bits fit a JS number exactly, so hashes can live in a plain Set; with 10^5 examples the
 * chance of any collision is about 10^10 / 2^54 ≈ 6·10^-7.
 */

/** cyrb53 of the values of an integer array (each value taken as a u32). */
export function hash53(values: ArrayLike<number>, seed = 0): number {
  let h1 = 0xdeadbeef ^ seed;
  let h2 = 0x41c6ce57 ^ seed;
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    h1 = Math.imul(h1 ^ v, 2654435761);
    h2 = Math.imul(h2 ^ v, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507);
  h1 ^= Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507);
  h2 ^= Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return 4294967296 * (2097151 & h2) + (h1 >>> 0);
}

/** cyrb53 of a string's UTF-16 code units. */
export function hashString(s: string, seed = 0): number {
  const codes = new Uint16Array(s.length);
  for (let i = 0; i < s.length; i++) codes[i] = s.charCodeAt(i);
  return hash53(codes, seed);
}
