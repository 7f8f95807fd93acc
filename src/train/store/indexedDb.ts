/**
 * Checkpoints in the browser's IndexedDB (works in a page and in a worker). Two object
 * stores: `runs` (RunSummary by runId) and `checkpoints` (bytes by "runId/kind").
 */
import type { RunAnnotation, RunSummary } from '../protocol';
import { checkAnnotation, checkRunId, keepAnnotation, sortRuns, type CheckpointKind, type CheckpointStore } from './types';
import { done, openDatabase, request } from './idb';
import { writeOrExplain } from './storageFull';

const DB_NAME = 'proxyformer-playground';
const DB_VERSION = 1;

export class IndexedDbCheckpointStore implements CheckpointStore {
  readonly where = `IndexedDB "${DB_NAME}"`;
  private db: Promise<IDBDatabase> | undefined;

  private open(): Promise<IDBDatabase> {
    this.db ??= openDatabase(DB_NAME, DB_VERSION, ['runs', 'checkpoints'], 'checkpoints cannot be saved');
    return this.db;
  }

  async save(runId: string, kind: CheckpointKind, bytes: Uint8Array, summary: RunSummary): Promise<void> {
    checkRunId(runId);
    const db = await this.open();
    await writeOrExplain(`the ${kind} checkpoint of step ${summary.step}`, async () => {
      const tx = db.transaction(['runs', 'checkpoints'], 'readwrite');
      // One transaction: the summary never points at a checkpoint that was not written.
      tx.objectStore('checkpoints').put(bytes.slice().buffer, `${runId}/${kind}`);
      // Read and write the summary in this transaction: a rename that lands meanwhile is kept.
      const runs = tx.objectStore('runs');
      const previous = runs.get(runId);
      previous.onsuccess = () => runs.put(keepAnnotation(summary, previous.result as RunSummary | undefined), runId);
      await done(tx);
    });
  }

  async annotate(runId: string, annotation: RunAnnotation): Promise<void> {
    const a = checkAnnotation(annotation);
    checkRunId(runId);
    const db = await this.open();
    const tx = db.transaction('runs', 'readwrite');
    const runs = tx.objectStore('runs');
    const previous = await request(runs.get(runId));
    if (!previous) {
      tx.abort();
      throw new Error(`run ${runId} is not saved (${this.where}): nothing to rename`);
    }
    runs.put({ ...(previous as RunSummary), ...a }, runId);
    await done(tx);
  }

  async load(runId: string, kind: CheckpointKind): Promise<Uint8Array | null> {
    checkRunId(runId);
    const db = await this.open();
    const value = await request(db.transaction('checkpoints').objectStore('checkpoints').get(`${runId}/${kind}`));
    return value instanceof ArrayBuffer ? new Uint8Array(value) : null;
  }

  async list(): Promise<RunSummary[]> {
    const db = await this.open();
    const all = (await request(db.transaction('runs').objectStore('runs').getAll())) as RunSummary[];
    return sortRuns(all);
  }

  async remove(runId: string): Promise<void> {
    checkRunId(runId);
    const db = await this.open();
    const tx = db.transaction(['runs', 'checkpoints'], 'readwrite');
    tx.objectStore('runs').delete(runId);
    tx.objectStore('checkpoints').delete(`${runId}/latest`);
    tx.objectStore('checkpoints').delete(`${runId}/best`);
    await done(tx);
  }
}
