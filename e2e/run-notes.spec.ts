/**
 * Runs can be renamed and carry notes, kept with the run in IndexedDB across reloads. Saved runs
 * are seeded straight into the checkpoint store's `runs` object store (no training needed).
 */
import { expect, test, type Page } from '@playwright/test';
import { PRESETS } from '../src/presets';
import type { RunSummary } from '../src/train/protocol';
import { watchConsole } from './console';

const summary = (runId: string, updatedAt: number): RunSummary => ({
  runId,
  name: runId,
  config: PRESETS['quick-listops-proxy'].config,
  step: 40,
  updatedAt,
  bestValAccuracy: 0.25,
  testAccuracy: null,
  state: 'paused',
});

async function seed(page: Page, runs: RunSummary[]): Promise<void> {
  await page.evaluate(async (runs) => {
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const req = indexedDB.open('proxyformer-playground', 1);
      req.onupgradeneeded = () => {
        for (const s of ['runs', 'checkpoints']) if (!req.result.objectStoreNames.contains(s)) req.result.createObjectStore(s);
      };
      req.onsuccess = () => resolve(req.result);
      req.onerror = () => reject(req.error);
    });
    const tx = db.transaction('runs', 'readwrite');
    for (const r of runs) tx.objectStore('runs').put(r, r.runId);
    await new Promise((resolve, reject) => {
      tx.oncomplete = resolve;
      tx.onerror = () => reject(tx.error);
    });
    db.close();
  }, runs);
}

test('a saved run is renamed and annotated from the run list, and keeps both after a reload', async ({ page }) => {
  test.setTimeout(600_000);
  const watch = watchConsole(page);
  await page.goto('/');
  await seed(page, [summary('listops-proxy-aaa', 2000), summary('listops-proxy-bbb', 1000)]);
  await page.reload();
  const list = page.getByTestId('run-list');
  const row = list.locator('tbody tr', { hasText: 'listops-proxy-aaa' });
  await expect(row).toBeVisible();
  await row.getByRole('button', { name: /^Rename listops-proxy-aaa/ }).click();
  const editor = page.getByTestId('run-notes-editor');
  await editor.getByLabel('Name').fill('   ');
  await expect(editor.getByRole('button', { name: 'Save' })).toBeDisabled();
  await expect(editor).toContainText('A run name cannot be empty');
  await editor.getByLabel('Name').fill('proxy, lr 3e-3');
  await editor.getByLabel('Notes').fill('proxies collapse after step 30');
  await editor.getByRole('button', { name: 'Save' }).click();
  await expect(editor).toHaveCount(0);
  const renamed = list.locator('tbody tr', { hasText: 'proxy, lr 3e-3' });
  await expect(renamed).toContainText('proxies collapse after step 30');
  await expect(renamed.locator('td[title="listops-proxy-aaa"]')).toBeVisible(); // the run id stays, as the tooltip
  await page.reload();
  await expect(list.locator('tbody tr', { hasText: 'proxy, lr 3e-3' })).toContainText('proxies collapse after step 30');
  await expect(list.locator('tbody tr', { hasText: 'listops-proxy-bbb' })).toBeVisible();
  expect(watch.problems).toEqual([]);
});
