/**
 * The tuning cache in a page or worker: one record in its own IndexedDB database
 * (`proxyformer-tuning`), apart from checkpoints and datasets so that clearing one never
 * touches the others.
 */
import type { TuneCacheData, TuneStore } from './store';

const DB = 'proxyformer-tuning';
const STORE = 'cache';
const KEY = 'tuning';

function promised<T>(req: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error ?? new Error('IndexedDB request failed'));
  });
}

function open(): Promise<IDBDatabase> {
  if (typeof indexedDB === 'undefined') return Promise.reject(new Error('this context has no IndexedDB: tuning results cannot be kept'));
  const req = indexedDB.open(DB, 1);
  req.onupgradeneeded = () => {
    if (!req.result.objectStoreNames.contains(STORE)) req.result.createObjectStore(STORE);
  };
  return promised(req);
}

async function withStore<T>(mode: IDBTransactionMode, fn: (s: IDBObjectStore) => IDBRequest<T>): Promise<T> {
  const db = await open();
  try {
    const tx = db.transaction(STORE, mode);
    const complete = new Promise<void>((resolve, reject) => {
      tx.oncomplete = () => resolve();
      tx.onabort = () => reject(tx.error ?? new Error('IndexedDB transaction aborted'));
      tx.onerror = () => reject(tx.error ?? new Error('IndexedDB transaction failed'));
    });
    const [result] = await Promise.all([promised(fn(tx.objectStore(STORE))), complete]);
    return result;
  } finally {
    db.close();
  }
}

export class IndexedDbTuneStore implements TuneStore {
  readonly where = `IndexedDB "${DB}"`;

  async load(): Promise<TuneCacheData | null> {
    const v = await withStore('readonly', (s) => s.get(KEY) as IDBRequest<TuneCacheData | undefined>);
    return v ?? null;
  }

  async save(data: TuneCacheData): Promise<void> {
    await withStore('readwrite', (s) => s.put(data, KEY));
  }

  async clear(): Promise<void> {
    await withStore('readwrite', (s) => s.delete(KEY));
  }
}
