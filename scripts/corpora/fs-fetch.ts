/** A FetchBytes that reads the prepared files from a folder (Node tests and scripts). */

import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { FetchBytes } from '../../src/data/corpora/load';

/** Reads `<dir>/<file>`. */
export function fsFetcher(dir: string): FetchBytes {
  return async (file) => new Uint8Array(await readFile(join(dir, file)));
}
