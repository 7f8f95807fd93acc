/**
 * The tuning cache in Node: one JSON file (default `~/.cache/proxyformer/tuning.json`, or
 * `$PROXYFORMER_TUNING_CACHE`). Never imported by browser code.
 */
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import type { TuneCacheData, TuneStore } from './store';

/** The default cache file. */
export function defaultTuningPath(): string {
  return process.env.PROXYFORMER_TUNING_CACHE ?? join(homedir(), '.cache', 'proxyformer', 'tuning.json');
}

export class FileTuneStore implements TuneStore {
  constructor(readonly where: string = defaultTuningPath()) {}

  async load(): Promise<TuneCacheData | null> {
    let text: string;
    try {
      text = await readFile(this.where, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw e;
    }
    try {
      return JSON.parse(text) as TuneCacheData;
    } catch (e) {
      // A damaged cache is not a reason to stop: say so, and tune again (the next save replaces it).
      console.warn(`tuning cache ${this.where} is not valid JSON (${(e as Error).message}); tuning again`);
      return null;
    }
  }

  async save(data: TuneCacheData): Promise<void> {
    await mkdir(dirname(this.where), { recursive: true });
    // Write then rename, so that a crash mid-write never leaves half a file.
    const tmp = `${this.where}.${process.pid}.tmp`;
    await writeFile(tmp, `${JSON.stringify(data, null, 2)}\n`);
    await rename(tmp, this.where);
  }

  async clear(): Promise<void> {
    await rm(this.where, { force: true });
  }
}
