/**
 * Prepared user datasets in the browser's IndexedDB, by content id (the SHA-256 prefix of the
 * file, src/data/userData/format.ts): `meta` holds what the list shows, `files` the bytes, so
 * listing never loads a dataset. Its own database, so the checkpoint database keeps its version.
 * Works in a page and in a worker (the import worker writes, the training worker reads).
 */
import type { DatasetHeader } from '../../data/userData/prepare';
import { done, openDatabase, request } from './idb';

const DB_NAME = 'proxyformer-playground-datasets';
const DB_VERSION = 1;

/** What the dataset list shows. */
export interface StoredDataset {
  id: string;
  name: string;
  kind: DatasetHeader['kind'];
  classes: string[];
  sizes: DatasetHeader['sizes'];
  bytes: number;
  addedAt: number;
}

export class IndexedDbDatasetStore {
  readonly where = `IndexedDB "${DB_NAME}"`;
  private db: Promise<IDBDatabase> | undefined;

  private open(): Promise<IDBDatabase> {
    this.db ??= openDatabase(DB_NAME, DB_VERSION, ['meta', 'files'], 'datasets cannot be kept');
    return this.db;
  }

  async put(id: string, file: Uint8Array, header: DatasetHeader): Promise<StoredDataset> {
    const meta: StoredDataset = {
      id,
      name: header.name,
      kind: header.kind,
      classes: header.classes,
      sizes: header.sizes,
      bytes: file.length,
      addedAt: Date.now(),
    };
    const db = await this.open();
    const tx = db.transaction(['meta', 'files'], 'readwrite');
    // One transaction: a listed dataset always has its file.
    tx.objectStore('files').put(file.slice().buffer, id);
    tx.objectStore('meta').put(meta, id);
    await done(tx);
    return meta;
  }

  async get(id: string): Promise<Uint8Array | undefined> {
    const db = await this.open();
    const value = await request(db.transaction('files').objectStore('files').get(id));
    return value instanceof ArrayBuffer ? new Uint8Array(value) : undefined;
  }

  async has(id: string): Promise<boolean> {
    const db = await this.open();
    return (await request(db.transaction('meta').objectStore('meta').count(id))) > 0;
  }

  /** Newest first. */
  async list(): Promise<StoredDataset[]> {
    const db = await this.open();
    const all = (await request(db.transaction('meta').objectStore('meta').getAll())) as StoredDataset[];
    return all.sort((a, b) => b.addedAt - a.addedAt);
  }

  async remove(id: string): Promise<void> {
    const db = await this.open();
    const tx = db.transaction(['meta', 'files'], 'readwrite');
    tx.objectStore('meta').delete(id);
    tx.objectStore('files').delete(id);
    await done(tx);
  }
}
