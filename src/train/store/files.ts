/**
 * Checkpoints as files (Node: the command line and tests): `<dir>/<runId>/run.json`,
 * `latest.safetensors`, `best.safetensors`. Writes go to a temporary file first and are renamed,
 * so a crash mid-write never leaves a truncated checkpoint.
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

  async remove(runId: string): Promise<void> {
    await rm(join(this.dir, checkRunId(runId)), { recursive: true, force: true });
  }
}

async function atomicWrite(path: string, bytes: Uint8Array): Promise<void> {
  const tmp = `${path}.tmp-${process.pid}`;
  await writeFile(tmp, bytes);
  await rename(tmp, path);
}
