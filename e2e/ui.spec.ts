import { expect, test, type Page } from '@playwright/test';
import { watchConsole } from './console';

/** The form field of a schema key. */
const field = (page: Page, key: string) => page.locator(`.field[data-key="${key}"]`);
const input = (page: Page, key: string) => field(page, key).locator('input, select').first();

test('a bad value shows the validator message inline and keeps Start disabled', async ({ page }) => {
  const watch = watchConsole(page);
  await page.goto('/');
  const start = page.getByRole('button', { name: /^Start/ });
  await expect(start).toBeEnabled();
  await input(page, 'layers').fill('99');
  await expect(field(page, 'layers').getByTestId('issue-layers')).toHaveText(
    'Layers 99 is above the maximum 12: allowed an integer from 1 to 12.',
  );
  await expect(input(page, 'layers')).toHaveAttribute('aria-invalid', 'true');
  await expect(page.getByTestId('config-errors')).toContainText('1 problem keeps the run from starting');
  await expect(start).toBeDisabled();
  // A cross-key rule names both fields by their labels, their values and what would work.
  await input(page, 'layers').fill('2');
  await input(page, 'heads').fill('3');
  await expect(field(page, 'heads').getByTestId('issue-heads')).toContainText('Width d 32 is not divisible by Heads 3');
  await expect(start).toBeDisabled();
  await input(page, 'heads').fill('2');
  // An invalid landmark count: one message, about what was typed (none about the default behind it).
  const landmarks = await input(page, 'landmarks').inputValue();
  await input(page, 'landmarks').fill('0');
  await expect(field(page, 'landmarks').getByTestId('issue-landmarks')).toHaveText(/^Landmarks \/ proxies m 0 is below the minimum 1/);
  await expect(page.getByTestId('config-errors')).toContainText('1 problem keeps the run from starting');
  await expect(page.locator('.field .msg-error')).toHaveCount(1);
  await input(page, 'landmarks').fill(landmarks);
  await expect(start).toBeEnabled();
  await input(page, 'lr').fill('abc');
  await expect(field(page, 'lr').getByTestId('issue-lr')).toContainText('Learning rate is empty or not a number: allowed a number from');
  await expect(start).toBeDisabled();
  await page.keyboard.press('Escape');
  await page.locator('h1').click();
  await page.keyboard.press('s'); // the shortcut obeys the same rule
  await expect(page.getByTestId('run-state')).toHaveAttribute('data-state', 'idle');
  await input(page, 'lr').fill('0.002');
  await expect(start).toBeEnabled();
  expect(watch.problems).toEqual([]);
});

test('a copied link restores the configuration in a new page; out-of-range values are clamped with a notice', async ({ page, context }) => {
  const watch = watchConsole(page);
  await page.goto('/');
  await page.getByTestId('preset').selectOption('quick-image-nystrom');
  await input(page, 'lr').fill('0.003');
  await input(page, 'initSeed').fill('42');
  await input(page, 'pinvIterations').fill('8');
  await page.getByRole('button', { name: /^Copy link/ }).click();
  const link = await page.getByTestId('share-link').inputValue();
  expect(link).toMatch(/#v=1&t=image&at=nystrom&/);
  expect(link).toContain('lr=0.003');

  const other = await context.newPage();
  const watchOther = watchConsole(other);
  await other.goto(link);
  await expect(input(other, 'task')).toHaveValue('image');
  await expect(input(other, 'attention')).toHaveValue('nystrom');
  await expect(input(other, 'lr')).toHaveValue('0.003');
  await expect(input(other, 'initSeed')).toHaveValue('42');
  await expect(input(other, 'pinvIterations')).toHaveValue('8');
  await expect(input(other, 'imageSize')).toHaveValue('14');
  await expect(other.getByTestId('preset')).toHaveValue(''); // edited, not a preset any more
  await expect(other.locator('.field[data-key="injection"]')).toHaveCount(0); // a Proxyformer switch does not apply

  // A hand-edited link: the out-of-range value is clamped and the unknown key ignored, both with a notice.
  const third = await context.newPage();
  const watchThird = watchConsole(third);
  await third.goto(link.replace('pi=8', 'pi=99') + '&bogus=1');
  await expect(third.getByTestId('link-notices')).toContainText('pinvIterations 99 is above the maximum 50: clamped to 50.');
  await expect(third.getByTestId('link-notices')).toContainText('unknown URL key "bogus" ignored');
  await expect(input(third, 'pinvIterations')).toHaveValue('50');
  await expect.poll(() => third.evaluate(() => location.hash)).toContain('pi=50'); // the address now says what runs
  // Editing the address bar of an open page loads the new hash too.
  await third.evaluate(() => {
    location.hash = location.hash.replace('pi=50', 'pi=3');
  });
  await expect(input(third, 'pinvIterations')).toHaveValue('3');
  expect(watchThird.problems).toEqual([]);
  expect(watch.problems).toEqual([]);
  expect(watchOther.problems).toEqual([]);
});

for (const viewport of [
  { width: 1280, height: 720 },
  { width: 420, height: 800 },
]) {
  test(`the page fits ${viewport.width}×${viewport.height} without horizontal overflow`, async ({ page }) => {
    const watch = watchConsole(page);
    await page.setViewportSize(viewport);
    await page.goto('/');
    await expect(page.getByRole('button', { name: /^Start/ })).toBeVisible();
    await expect(page.getByRole('heading', { name: 'Training curves' })).toBeVisible();
    const overflow = await page.evaluate(() => {
      const doc = document.documentElement;
      const wide = [...document.querySelectorAll<HTMLElement>('.panel, .app-header, .layout')]
        .filter((el) => el.getBoundingClientRect().right > doc.clientWidth + 1)
        .map((el) => `${el.className} right ${Math.round(el.getBoundingClientRect().right)}`);
      return { scroll: doc.scrollWidth, client: doc.clientWidth, wide };
    });
    expect(overflow.wide).toEqual([]);
    expect(overflow.scroll).toBeLessThanOrEqual(overflow.client);
    if (viewport.width >= 1280) {
      // Side by side: the form and the run controls are both in the first screen.
      const form = await page.getByRole('form', { name: 'Configuration' }).boundingBox();
      const controls = await page.getByRole('toolbar', { name: 'Run controls' }).boundingBox();
      expect(form!.x + form!.width).toBeLessThanOrEqual(controls!.x);
      expect(controls!.y).toBeLessThan(viewport.height);
    }
    expect(watch.problems).toEqual([]);
  });
}

test('keyboard: shortcuts trigger commands (not while typing), and every control is reachable with Tab', async ({ page }) => {
  const watch = watchConsole(page);
  await page.goto('/');
  await page.getByRole('region', { name: 'Attention views' }).getByLabel('Example').click();
  await page.keyboard.press('l'); // a key typed into a field is not a shortcut
  await expect(page.getByTestId('command-feedback')).toHaveCount(0);
  await page.locator('h1').click();
  await page.keyboard.press('l');
  await expect(page.getByTestId('command-feedback')).toBeVisible();
  await expect(page.getByTestId('share-link')).toHaveValue(/#v=1&t=listops&at=proxy&/);
  // The toolbar shows each shortcut next to its label.
  await expect(page.getByRole('button', { name: /^Start/ })).toHaveAttribute('aria-keyshortcuts', 's');
  await expect(page.getByRole('button', { name: /^Reset/ })).toContainText('⇧R');
  // Tab reaches the Copy link button and Enter activates it.
  await page.getByTestId('command-feedback').getByRole('button', { name: 'Dismiss' }).click();
  await expect(page.getByTestId('share-link')).toHaveCount(0);
  await page.getByRole('button', { name: /^Start/ }).focus();
  let reached = false;
  for (let i = 0; i < 12 && !reached; i++) {
    await page.keyboard.press('Tab');
    reached = await page.evaluate(() => document.activeElement?.getAttribute('data-command') === 'copyLink');
  }
  expect(reached).toBe(true);
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('share-link')).toBeVisible();
  expect(watch.problems).toEqual([]);
});
