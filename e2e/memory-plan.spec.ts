import { expect, test, type Page } from '@playwright/test';
import { watchConsole } from './console';

const input = (page: Page, key: string) => page.locator(`.field[data-key="${key}"]`).locator('input, select').first();

test('a paper preset shows its memory plan before Start, and a config that cannot fit says so at once', async ({ page }) => {
  const watch = watchConsole(page);
  await page.goto('/');
  const plan = page.getByTestId('memory-plan');
  await page.getByTestId('preset').selectOption('pathfinder-proxy-paper');
  // The worker's probe decides the target; on an ordinary adapter the batch of 256 is split.
  await expect(plan).toHaveText(/^Memory: batch 256 as \d+ × \d+ · estimated [\d.]+ GiB of [\d.]+ GiB \((WebGPU|CPU backend)\)$/, {
    timeout: 60_000,
  });
  await expect(plan).toHaveAttribute('data-fits', 'true');
  await page.getByTestId('preset').selectOption('text-softmax-paper');
  await input(page, 'seqLen').fill('16384');
  await expect(plan).toHaveAttribute('data-fits', 'false');
  await expect(plan).toContainText('Does not fit this');
  await expect(plan).toContainText('softmax attention');
  await expect(plan).toContainText('lower seqLen');
  await expect(page.getByTestId('run-state')).toHaveAttribute('data-state', 'idle'); // nothing was built
  expect(watch.problems).toEqual([]);
});
