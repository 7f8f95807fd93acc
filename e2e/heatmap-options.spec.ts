/**
 * The heatmap options on real views (software WebGPU): after one step of the quick ListOps
 * Proxyformer (2 layers × 2 heads) the layers × heads grid draws four non-blank maps; the
 * absolute scale puts K2 on 0–1 and the shared one on K2's range over all layers and heads; an
 * exported heatmap and an exported chart carry title, axis labels, run and step.
 */
import { readFileSync } from 'node:fs';
import { expect, test, type Page } from '@playwright/test';
import { encodeHash } from '../src/config';
import { PRESETS } from '../src/presets';
import { watchConsole } from './console';

test.describe.configure({ timeout: 600_000 });

const shownStep = async (page: Page) => Number((await page.getByTestId('run-state').textContent())?.match(/step (\d+)/)?.[1] ?? 0);

async function download(page: Page, button: string): Promise<string> {
  const [file] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: button }).first().click()]);
  return readFileSync((await file.path())!, 'utf8');
}

test('grid of every layer and head, absolute and shared scales, exports with title, axes, run and step', async ({ page }) => {
  const watch = watchConsole(page);
  const config = { ...PRESETS['quick-listops-proxy'].config, steps: 200, evalEvery: 200, evalSteps: 1, checkpointEvery: 0 };
  await page.goto(`/#${encodeHash(config)}`);
  await page.getByRole('button', { name: /^Start/ }).click();
  await expect.poll(() => shownStep(page), { timeout: 300_000 }).toBeGreaterThanOrEqual(1);
  await page.getByRole('button', { name: /^Pause/ }).click();
  await expect(page.getByTestId('run-state')).toHaveAttribute('data-state', 'paused', { timeout: 300_000 });
  await page
    .getByRole('button', { name: /^Refresh views/ })
    .first()
    .click();
  const views = page.locator('[data-testid="views"][data-attention="proxy"]');
  await expect(views).toBeVisible({ timeout: 120_000 });

  const grid = views.getByTestId('heatmap-grid');
  await expect(grid).toHaveAttribute('data-factor', 'kernel2');
  await expect(grid.locator('canvas')).toHaveCount(4);
  for (const id of ['grid-0-0', 'grid-0-1', 'grid-1-0', 'grid-1-1']) {
    const colours = await grid
      .getByTestId(id)
      .locator('canvas')
      .evaluate((c: HTMLCanvasElement) => {
        const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
        const seen = new Set<number>();
        for (let i = 0; i < d.length; i += 4) seen.add((d[i] << 16) | (d[i + 1] << 8) | d[i + 2]);
        return seen.size;
      });
    expect(colours, `${id} draws more than one colour`).toBeGreaterThan(1);
  }

  const k2 = views.getByTestId('heatmap-k2');
  await page.getByTestId('heatmap-scale-mode').selectOption('absolute');
  await expect(k2).toHaveAttribute('data-scale-lo', '0');
  await expect(k2).toHaveAttribute('data-scale-hi', '1');
  await page.getByTestId('heatmap-scale-mode').selectOption('shared');
  // Shared: every grid cell on one range, and the main K2 on that same range.
  const lo = await grid.getByTestId('grid-0-0').getAttribute('data-scale-lo');
  const hi = await grid.getByTestId('grid-0-0').getAttribute('data-scale-hi');
  for (const id of ['grid-0-1', 'grid-1-0', 'grid-1-1']) {
    await expect(grid.getByTestId(id)).toHaveAttribute('data-scale-lo', lo!);
    await expect(grid.getByTestId(id)).toHaveAttribute('data-scale-hi', hi!);
  }
  await expect(k2).toHaveAttribute('data-scale-lo', lo!);

  const svg = await download(page, 'Export K2 as SVG');
  expect(svg).toMatch(/^<svg[^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/);
  expect(svg).toMatch(/class="figure-title"[^>]*>K2 \[16×16\]</);
  expect(svg).toMatch(/class="figure-source"[^>]*>run [^,<]+, step \d+, validation example 0</);
  expect(svg).toContain('>columns: proxy (key)<');
  expect(svg).toContain('>rows: proxy (query)<');
  expect(svg).toContain('>colour scale: shared over layers and heads<');
  expect(svg).toContain('class="heatmap-pixels"');

  const chart = await download(page, 'Export Loss as SVG');
  expect(chart).toMatch(/class="figure-title"[^>]*>Loss</);
  expect(chart).toMatch(/class="figure-source"[^>]*>run [^,<]+, step \d+</);
  expect(chart).toContain('>step<');
  expect(chart).toMatch(/class="figure-y-label"[^>]*>Loss</);
  expect(chart).toMatch(/<g class="chart-legend">.*>train<\/text>/);
  expect(watch.problems).toEqual([]);
});
