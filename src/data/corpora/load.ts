/**
 * Loading the prepared corpora. The browser fetches them from its own origin (`/data/...`);
 * Node tests pass a reader of `public/data` (scripts/corpora/fs-fetch.ts). Nothing here
 * reads a package's files.
 */

import { checkMnistIndex, checkSpamIndex, type MnistIndex, type SpamIndex } from './format';

/** Returns the bytes of a prepared file by name (e.g. "spam.bin"). */
export type FetchBytes = (file: string) => Promise<Uint8Array>;

/** A FetchBytes over HTTP from `baseUrl` (default: this origin's /data/). */
export function httpFetcher(baseUrl = '/data/', fetchFn: typeof fetch = fetch): FetchBytes {
  const base = baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`;
  return async (file) => {
    const res = await fetchFn(`${base}${file}`);
    if (!res.ok)
      throw new Error(
        `could not load ${base}${file}: HTTP ${res.status} (the corpora are prepared by scripts/prepare-corpora.ts at install/build time)`,
      );
    return new Uint8Array(await res.arrayBuffer());
  };
}

export interface SpamCorpus {
  bytes: Uint8Array;
  index: SpamIndex;
}

export interface MnistCorpus {
  pixels: Uint8Array;
  index: MnistIndex;
}

async function json<T>(get: FetchBytes, file: string): Promise<T> {
  const text = new TextDecoder().decode(await get(file));
  try {
    return JSON.parse(text) as T;
  } catch (e) {
    throw new Error(`${file} is not valid JSON: ${(e as Error).message}`);
  }
}

/** Loads spam.bin + spam.json. */
export async function loadSpamCorpus(get: FetchBytes): Promise<SpamCorpus> {
  const [bytes, index] = await Promise.all([get('spam.bin'), json<SpamIndex>(get, 'spam.json')]);
  return { bytes, index: checkSpamIndex(index, bytes.length) };
}

/** Loads mnist.bin + mnist.json. */
export async function loadMnistCorpus(get: FetchBytes): Promise<MnistCorpus> {
  const [pixels, index] = await Promise.all([get('mnist.bin'), json<MnistIndex>(get, 'mnist.json')]);
  return { pixels, index: checkMnistIndex(index, pixels.length) };
}
