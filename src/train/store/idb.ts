/** The small promise wrappers over IndexedDB that the checkpoint and dataset stores share. */

/** An IDBRequest's result as a promise. */
export function request<T>(req: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error ?? new Error('IndexedDB request failed'));
  });
}

/** A transaction's completion; an abort (storage full, for one) rejects. */
export function done(tx: IDBTransaction): Promise<void> {
  return new Promise((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onabort = () => reject(tx.error ?? new Error('IndexedDB transaction aborted (storage full?)'));
    tx.onerror = () => reject(tx.error ?? new Error('IndexedDB transaction failed'));
  });
}

/** Open (creating the object stores on upgrade) a database; `what` says what cannot be kept without IndexedDB. */
export function openDatabase(name: string, version: number, stores: readonly string[], what: string): Promise<IDBDatabase> {
  if (typeof indexedDB === 'undefined') return Promise.reject(new Error(`this browser context has no IndexedDB: ${what}`));
  const req = indexedDB.open(name, version);
  req.onupgradeneeded = () => {
    const db = req.result;
    for (const s of stores) if (!db.objectStoreNames.contains(s)) db.createObjectStore(s);
  };
  return request(req);
}
