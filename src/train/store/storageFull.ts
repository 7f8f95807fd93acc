/**
 * A full browser storage (IndexedDB's QuotaExceededError, or a transaction aborted for it) as
 * one error the session recognises and the page can show as it is: how much is used, of how
 * much, and what to do. Other errors pass through unchanged.
 */

/** What the storage manager reports (navigator.storage.estimate()), where the browser has one. */
export interface StorageEstimate {
  usage?: number;
  quota?: number;
}

export class StorageFullError extends Error {
  override name = 'StorageFullError';
}

/** Whether `e` is the browser saying the storage is full (DOMException QuotaExceededError, or Firefox's NS_ERROR_DOM_QUOTA_REACHED). */
export function isQuotaError(e: unknown): boolean {
  const name = (e as { name?: unknown } | null)?.name;
  return name === 'QuotaExceededError' || name === 'NS_ERROR_DOM_QUOTA_REACHED' || name === 'StorageFullError';
}

const mb = (bytes: number) => `${(bytes / 1e6).toFixed(bytes < 1e7 ? 1 : 0)} MB`;

/** The message of a full storage, with the numbers when the browser gives them. */
export function storageFullMessage(estimate: StorageEstimate | null, what: string): string {
  const used =
    estimate?.usage === undefined
      ? 'the browser did not say how much is used'
      : `${mb(estimate.usage)} used${estimate.quota === undefined ? '' : ` of ${mb(estimate.quota)}`}`;
  return `storage full: ${used}; ${what} was not saved. Free space by deleting runs (or datasets) you no longer need, then resume: the run in memory is intact.`;
}

/** The browser's storage estimate, or null where there is none (or it fails). */
export async function estimateStorage(): Promise<StorageEstimate | null> {
  try {
    const storage = (globalThis.navigator as { storage?: { estimate?(): Promise<StorageEstimate> } } | undefined)?.storage;
    return storage?.estimate ? await storage.estimate() : null;
  } catch {
    return null; // the numbers are a courtesy: the message says they are missing
  }
}

/** Run a write; a quota error becomes a StorageFullError naming `what`, everything else is rethrown. */
export async function writeOrExplain<T>(what: string, write: () => Promise<T>): Promise<T> {
  try {
    return await write();
  } catch (e) {
    if (!isQuotaError(e) || e instanceof StorageFullError) throw e;
    throw new StorageFullError(storageFullMessage(await estimateStorage(), what));
  }
}
