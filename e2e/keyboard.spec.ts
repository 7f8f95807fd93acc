/**
 * Keyboard access from a fresh page: the first Tab stop is the skip link, and following it puts
 * the focus on Start (so at most 3 Tab presses reach Start, where the configuration form used to
 * take 46); "?" opens the shortcut sheet, which lists the registry's keys, and Escape closes it.
 */
import { expect, test } from '@playwright/test';
import { watchConsole } from './console';

test('Tab reaches Start through the skip link; ? opens the shortcut sheet and Escape closes it', async ({ page }) => {
  const watch = watchConsole(page);
  await page.goto('/');
  const start = page.getByRole('button', { name: /^Start/ });
  await expect(start).toBeEnabled();
  const hash = await page.evaluate(() => location.hash);

  let tabs = 0;
  const startFocused = () => page.evaluate(() => (document.activeElement as HTMLElement | null)?.dataset.command === 'start');
  while (!(await startFocused()) && tabs < 3) {
    await page.keyboard.press('Tab');
    tabs++;
    if (await page.getByTestId('skip-to-start').evaluate((el) => el === document.activeElement)) {
      await expect(page.getByTestId('skip-to-start')).toBeVisible(); // shown while focused
      await page.keyboard.press('Enter');
    }
  }
  expect(await startFocused()).toBe(true);
  expect(tabs).toBe(1);
  expect(await page.evaluate(() => location.hash)).toBe(hash); // the config in the URL is untouched

  const sheet = page.getByTestId('shortcut-sheet');
  await expect(sheet).toBeHidden();
  await page.keyboard.press('?');
  await expect(sheet).toBeVisible();
  await expect(sheet).toContainText('Start: Build the model from the form');
  await expect(sheet).toContainText('Pause: Pause after the current step');
  // Behind the open sheet, command keys do nothing.
  await page.keyboard.press('s');
  await expect(page.getByTestId('run-state')).toHaveAttribute('data-state', 'idle');
  await page.keyboard.press('Escape');
  await expect(sheet).toBeHidden();
  // The toolbar's button opens it too.
  await page.getByTestId('shortcuts-open').click();
  await expect(sheet).toBeVisible();
  await page.getByTestId('shortcuts-close').click();
  await expect(sheet).toBeHidden();
  expect(watch.problems).toEqual([]);
});
