/**
 * Checkpoints as files (Node: the command line and tests): `<dir>/<runId>/run.json`,
 * `latest.safetensors`, `best.safetensors`. Writes go to a temporary file first
 * (`<name>.tmp-<pid>`) and are renamed, so a crash mid-write never leaves a truncated
 * checkpoint; the temporary files a killed write leaves are removed on the next start.
 */
import { mkdir, readFile, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { RunAnnotation, RunSummary } from '../protocol';
import { checkAnnotation, checkRunId, keepAnnotation, sortRuns, type CheckpointKind, type CheckpointStore } from './types';

export class FileCheckpointStore implements CheckpointStore {
  readonly where: string;
  constructor(readonly dir: string) {
    this.where = `files in ${dir}`;
  }

  async save(runId: string, kind: CheckpointKind, bytes: Uint8Array, summary: RunSummary): Promise<void> {
    const runDir = join(this.dir, checkRunId(runId));
    await mkdir(runDir, { recursive: true });
    await atomicWrite(join(runDir, `${kind}.safetensors`), bytes);
    await this.writeSummary(runId, keepAnnotation(summary, await this.readSummary(runId)));
  }

  async annotate(runId: string, annotation: RunAnnotation): Promise<void> {
    const a = checkAnnotation(annotation);
    const previous = await this.readSummary(checkRunId(runId));
    if (!previous) throw new Error(`run ${runId} is not saved (${this.where}): nothing to rename`);
    await this.writeSummary(runId, { ...previous, ...a });
  }

  private async readSummary(runId: string): Promise<RunSummary | undefined> {
    try {
      return JSON.parse(await readFile(join(this.dir, runId, 'run.json'), 'utf8')) as RunSummary;
    } catch {
      return undefined; // not saved yet (or unreadable: the next save writes it whole)
    }
  }

  private writeSummary(runId: string, summary: RunSummary): Promise<void> {
    return atomicWrite(join(this.dir, runId, 'run.json'), new TextEncoder().encode(JSON.stringify(summary, null, 2)));
  }

  async load(runId: string, kind: CheckpointKind): Promise<Uint8Array | null> {
    try {
      return new Uint8Array(await readFile(join(this.dir, checkRunId(runId), `${kind}.safetensors`)));
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw e;
    }
  }

  async list(): Promise<RunSummary[]> {
    let names: string[];
    try {
      names = await readdir(this.dir);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw e;
    }
    const runs: RunSummary[] = [];
    for (const name of names) {
      try {
        runs.push(JSON.parse(await readFile(join(this.dir, name, 'run.json'), 'utf8')) as RunSummary);
      } catch {
        // Not a run folder (or a foreign file): the list shows runs only.
      }
    }
    return sortRuns(runs);
  }

  /** Remove temporary files left by killed writes (`*.tmp-<pid>` in each run folder); their names, for the log. */
  async cleanUp(): Promise<string[]> {
    const removed: string[] = [];
    const runs = await readdir(this.dir, { withFileTypes: true }).catch(() => []);
    for (const run of runs) {
      if (!run.isDirectory()) continue;
      for (const name of await readdir(join(this.dir, run.name))) {
        if (!TEMPORARY.test(name)) continue;
        await rm(join(this.dir, run.name, name), { force: true });
        removed.push(join(run.name, name));
      }
    }
    return removed;
  }

  async remove(runId: string): Promise<void> {
    await rm(join(this.dir, checkRunId(runId)), { recursive: true, force: true });
  }
}

/** What atomicWrite names its temporary files. */
const TEMPORARY = /\.tmp-\d+$/;

/** Write `path` whole or not at all: a temporary file beside it, then a rename. */
export async function atomicWrite(path: string, bytes: Uint8Array | string): Promise<void> {
  const tmp = `${path}.tmp-${process.pid}`;
  await writeFile(tmp, bytes);
  await rename(tmp, path);
}
