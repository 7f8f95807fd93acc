import { afterEach, describe, expect, it, vi } from 'vitest';
import { isQuotaError, StorageFullError, storageFullMessage, writeOrExplain } from './storageFull';

afterEach(() => vi.unstubAllGlobals());

describe('a full storage', () => {
  it('says how much is used and what to do', () => {
    expect(storageFullMessage({ usage: 512e6, quota: 536e6 }, 'the latest checkpoint of step 900')).toBe(
      'storage full: 512 MB used of 536 MB; the latest checkpoint of step 900 was not saved. Free space by deleting runs (or datasets) you no longer need, then resume: the run in memory is intact.',
    );
    expect(storageFullMessage(null, 'x')).toMatch(/^storage full: the browser did not say how much is used; x was not saved/);
  });

  it("turns IndexedDB's quota error into a StorageFullError with the browser's estimate; other errors pass", async () => {
    vi.stubGlobal('navigator', { storage: { estimate: async () => ({ usage: 2.5e9, quota: 2.5e9 }) } });
    const quota = Object.assign(new Error('QuotaExceededError'), { name: 'QuotaExceededError' });
    const err = await writeOrExplain('the best checkpoint of step 10', () => Promise.reject(quota)).catch((e: Error) => e);
    expect(err).toBeInstanceOf(StorageFullError);
    expect((err as Error).message).toMatch(/^storage full: 2500 MB used of 2500 MB; the best checkpoint of step 10 was not saved/);
    expect(isQuotaError(err)).toBe(true);
    const other = new Error('disk on fire');
    await expect(writeOrExplain('x', () => Promise.reject(other))).rejects.toBe(other);
    expect(await writeOrExplain('x', async () => 7)).toBe(7);
  });
});
