/**
 * A multi-seed study from the page (software WebGPU): 2 configurations × 3 seeds of a few steps
 * each run one after another, the page is reloaded midway and the study continues from its
 * first unfinished run, the table gives every configuration a mean ± interval over 3 seeds and
 * the paired difference against the baseline, and CSV and Markdown export download with their
 * headers — no console error or warning on the way.
 */
import { expect, test } from '@playwright/test';
import { encodeHash } from '../src/config';
import { PRESETS } from '../src/presets';
import { watchConsole } from './console';

const tiny = { steps: 4, warmupSteps: 2, evalEvery: 4, evalSteps: 1, testSize: 16, batchSize: 4, checkpointEvery: 0 };
const link = `/#${encodeHash({ ...PRESETS['quick-listops-proxy'].config, ...tiny })}`;

test.describe.configure({ timeout: 300_000 });

test('a 2 × 3 study runs to the end across a reload, tabulates intervals and exports CSV and Markdown', async ({ page }) => {
  const watch = watchConsole(page);
  await page.goto(link);
  await page.evaluate(() => localStorage.removeItem('proxyformer-study'));
  await page.reload();
  const arms = page.getByTestId('study-arms');
  // Full Proxyformer against the Nyströmformer baseline (always run): every other arm unchecked.
  for (const box of await arms.locator('input[type=checkbox]:not([disabled])').all())
    if ((await box.getAttribute('value')) !== 'full') await box.uncheck();
  await page.getByTestId('study-start').click();
  const progress = page.getByTestId('study-progress');
  await expect(progress).toHaveAttribute('data-total', '6');
  await expect(progress).toHaveAttribute('data-done', /^[2-6]$/, { timeout: 150_000 });
  await expect(progress).toContainText(/left/);

  // A reload keeps the finished runs; Continue runs the rest from the first unfinished one.
  await page.reload();
  const done = Number(await progress.getAttribute('data-done'));
  expect(done).toBeGreaterThanOrEqual(2);
  await expect(progress).toContainText('stopped: Continue runs the rest');
  await page.getByTestId('study-continue').click();
  await expect(progress).toHaveAttribute('data-done', '6', { timeout: 200_000 });
  await expect(page.getByTestId('study-error')).toHaveCount(0);

  const rows = page.getByTestId('study-table').locator('tbody tr');
  await expect(rows).toHaveCount(2);
  await expect(rows.locator('th')).toHaveText(['Proxyformer', 'Nyströmformer']);
  for (const row of await rows.all()) {
    await expect(row).toHaveAttribute('data-seeds', '3');
    await expect(row.getByTestId('study-test-accuracy')).toHaveText(/^\d+\.\d ± \d+\.\d %$/);
    await expect(row.locator('td').last()).toHaveText('16');
  }
  await expect(rows.first().locator('td').nth(2)).toHaveText(/^-?\d+\.\d ± \d+\.\d pp — (includes 0: no difference shown|better|worse)$/);
  await expect(rows.nth(1).locator('td').nth(2)).toHaveText('baseline');

  const [csv] = await Promise.all([page.waitForEvent('download'), page.getByTestId('study-csv').click()]);
  expect(csv.suggestedFilename()).toBe('study-ablation.csv');
  const csvText = await (await csv.createReadStream()).toArray().then((b) => Buffer.concat(b).toString('utf8'));
  const lines = csvText.split('\n');
  expect(lines[0]).toMatch(/^arm,label,seeds,testAccuracy_mean,testAccuracy_lo,testAccuracy_hi,.*testExamples$/);
  expect(lines.slice(1).map((l) => l.split(',')[0])).toEqual(['full', 'nystrom']);

  const [md] = await Promise.all([page.waitForEvent('download'), page.getByTestId('study-markdown').click()]);
  expect(md.suggestedFilename()).toBe('study-ablation.md');
  const mdText = await (await md.createReadStream()).toArray().then((b) => Buffer.concat(b).toString('utf8'));
  expect(mdText).toContain('| configuration | seeds | test accuracy % | vs baseline (pp) |');
  expect(mdText).toContain('Test set: 16 examples per run.');
  expect(watch.problems).toEqual([]);
});
