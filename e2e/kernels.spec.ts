/**
 * The Kernels card in a real Chromium (software WebGPU): after a short run the table gives each
 * kernel's GFLOP/s, GB/s and share of the probed peak, the page lists the matmul kernel and the
 * softmax row layout of every shape class the first step met (tuned now, kept in IndexedDB,
 * once the software-adapter switch is on), a run after a reload reads them from the cache, and
 * the button clears it (docs/kernels.md).
 */
import { expect, test, type Page } from '@playwright/test';
import { encodeHash } from '../src/config';
import { PRESETS } from '../src/presets';
import { watchConsole } from './console';

test.describe.configure({ timeout: 600_000 });

const link = `/#${encodeHash({ ...PRESETS['quick-listops-proxy'].config, steps: 4, warmupSteps: 1, evalEvery: 4, evalSteps: 1, checkpointEvery: 0 })}`;
const runState = (page: Page) => page.getByTestId('run-state');

async function trainOnce(page: Page, reload = false): Promise<void> {
  // The same URL again would only be a same-document hash change: reload for a new worker.
  if (reload) await page.reload();
  else await page.goto(link);
  await expect(page.getByTestId('backend-badge')).toHaveAttribute('data-state', 'webgpu');
  await page.locator('h1').click();
  await page.keyboard.press('s');
  await expect(runState(page)).toHaveAttribute('data-state', 'finished', { timeout: 540_000 });
}

test('the kernels table shows share of peak; asked to, the page tunes on the next run, reads the cache on the one after, and clears it', async ({
  page,
}) => {
  const watch = watchConsole(page);
  await trainOnce(page);
  // On a software adapter tuning waits to be asked for; the switch applies from the next load.
  const note = page.getByTestId('adapter-kernels');
  await expect(note).toContainText('off on this software adapter');
  await page.getByTestId('tune-software').check();
  await expect(note.getByRole('status')).toContainText('Tuning on this software adapter on');
  await trainOnce(page, true);
  const table = page.getByTestId('kernels-table');
  await table.scrollIntoViewIfNeeded();
  await expect(table.locator('caption')).toContainText(/share of the probed peak \([\d.e+-]+ GFLOP\/s FMA, [\d.e+-]+ GB\/s copy\)/);
  await expect(table.locator('thead th')).toHaveText(['kernel', 'ms', 'time', 'calls', 'GFLOP/s', 'GB/s', 'of peak']);
  // A matmul row has a rate and a share of peak with what bounds it.
  const matmul = table.locator('tbody tr', { hasText: 'matmul' }).first();
  await expect(matmul.locator('td').nth(6)).toHaveText(/^[\d.]+% (compute|memory)$/);
  await expect(note).toContainText('Row reductions: serial');
  const choices = page.getByTestId('matmul-choices').locator('li');
  expect(await choices.count()).toBeGreaterThan(0);
  await expect(choices.first()).toContainText(/matmul b≤\d+ m≤\d+ n≤\d+ k≤\d+.*: (naive|reg4\/\d+|tiled) \(tuned now\)/);
  await expect(page.getByTestId('softmax-choices').locator('li').first()).toContainText(
    /softmax rows≤\d+ cols≤\d+: (serial|tree\/\d+|subgroups\/\d+) \(tuned now\)/,
  );

  await trainOnce(page, true); // a new worker and device, the same IndexedDB
  await expect(page.getByTestId('matmul-choices').locator('li').first()).toContainText('(tuned earlier on this adapter)');
  await page.getByTestId('clear-tuning').click();
  await expect(page.getByTestId('adapter-kernels').getByRole('status')).toContainText('Tuning cache cleared');
  expect(watch.problems).toEqual([]);
});
