/**
 * The playground with real training in its worker (software WebGPU): the loss falls from the
 * page, CSV export downloads every metrics row, attention views draw non-blank pixels for the
 * three variants (the study runner has e2e/study.spec.ts). Runs are shortened through the
 * URL hash, which is also how a researcher would share them.
 */
import { readFileSync } from 'node:fs';
import { unzipSync } from 'fflate';
import { expect, test, type Page } from '@playwright/test';
import { encodeHash, type RunConfig } from '../src/config';
import { PRESETS } from '../src/presets';
import { METRIC_COLUMNS } from '../src/io/metrics';
import { watchConsole } from './console';

const link = (preset: string, over: Partial<RunConfig>) => `/#${encodeHash({ ...PRESETS[preset].config, ...over })}`;
const runState = (page: Page) => page.getByTestId('run-state');
/** The step the page shows (from the metrics stream). */
const shownStep = async (page: Page) => Number((await runState(page).textContent())?.match(/step (\d+)/)?.[1] ?? 0);

test.describe.configure({ timeout: 600_000 });

test('the default preset trains from the page (started by its shortcut), the loss falls, and CSV export downloads every row', async ({
  page,
}) => {
  const watch = watchConsole(page);
  await page.goto(link('quick-listops-proxy', { steps: 40, warmupSteps: 4, lr: 3e-3, evalEvery: 20, evalSteps: 2, checkpointEvery: 0 }));
  await expect(page.getByTestId('backend-badge')).toHaveAttribute('data-state', 'webgpu');
  await page.locator('h1').click();
  await page.keyboard.press('s');
  await expect(runState(page)).toHaveAttribute('data-state', /building|running/);
  await expect(runState(page)).toHaveAttribute('data-state', 'finished', { timeout: 540_000 });
  const lossChart = page.getByTestId('chart-loss');
  await expect(lossChart.locator('svg.recharts-surface path.series-curve').first()).toBeVisible();
  await expect(lossChart.locator('.chart-legend li')).toHaveText(['train', 'validation']);
  // Memory by category: the split at the peak first (activations live), between steps on request.
  const memory = page.locator('figure.chart-card', { hasText: 'GPU memory by category' });
  await memory.scrollIntoViewIfNeeded(); // charts off screen hold their picture until seen
  await expect(memory.locator('.metric-chart')).toHaveAttribute('data-view', 'atPeak');
  await expect(memory.locator('.chart-legend')).toContainText('activations');
  await memory.getByRole('combobox', { name: /which moment/ }).selectOption('between');
  await expect(memory.locator('.metric-chart')).toHaveAttribute('data-view', 'between');
  await expect(memory.locator('path.series-area').first()).toBeAttached();
  // No axis shows one label twice (ticks keyed by value once left stale labels behind).
  for (const chart of await page.locator('.chart-grid .metric-chart').all()) {
    const labels = await chart
      .locator('text.recharts-cartesian-axis-tick-value')
      .evaluateAll((els) => els.map((e) => ({ text: e.textContent, x: e.getAttribute('x'), y: e.getAttribute('y') })));
    for (const key of ['x', 'y'] as const) {
      const lines = new Map<string, string[]>();
      for (const l of labels) lines.set(l[key]!, [...(lines.get(l[key]!) ?? []), l.text!]);
      for (const [at, texts] of lines)
        if (texts.length > 1) expect(new Set(texts).size, `tick labels at ${key}=${at}: ${texts}`).toBe(texts.length);
    }
  }
  // Hovering the chart hands it to recharts' own lines and tooltip, which show the values.
  const surface = lossChart.locator('svg.recharts-surface').first();
  await surface.scrollIntoViewIfNeeded();
  const box = (await surface.boundingBox())!;
  await page.mouse.move(box.x + box.width * 0.6, box.y + box.height * 0.5);
  await expect(lossChart.locator('path.recharts-curve').first()).toBeVisible();
  await expect(lossChart.locator('.recharts-tooltip-wrapper')).toContainText(/step \d+/);
  await page.mouse.move(0, 0);
  await expect(lossChart.locator('path.recharts-curve')).toHaveCount(0);

  // Each chart exports as SVG (the recharts drawing) and PNG (that drawing through a canvas).
  const [svg] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export Loss as SVG' }).click()]);
  expect(svg.suggestedFilename()).toBe('loss.svg');
  const svgText = readFileSync((await svg.path())!, 'utf8');
  expect(svgText).toMatch(/^<svg[^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/);
  expect(svgText).toContain('series-curve');
  expect(svgText).toMatch(/<g class="chart-legend">.*>train<\/text>/); // the legend travels with the picture
  const [png] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export Loss as PNG' }).click()]);
  expect(png.suggestedFilename()).toBe('loss.png');
  expect([...readFileSync((await png.path())!).subarray(0, 4)]).toEqual([0x89, 0x50, 0x4e, 0x47]);

  await page.locator('h1').click();
  const [download] = await Promise.all([page.waitForEvent('download'), page.keyboard.press('d')]);
  expect(download.suggestedFilename()).toMatch(/^listops-proxy-.+-metrics\.csv$/);
  const csv = readFileSync((await download.path())!, 'utf8')
    .trim()
    .split('\n');
  expect(csv[0]).toBe(METRIC_COLUMNS.join(','));
  const col = (name: string) =>
    csv
      .slice(1)
      .map((l) => l.split(',')[METRIC_COLUMNS.indexOf(name as never)])
      .filter((c) => c !== '')
      .map(Number);
  const steps = col('step');
  expect(Math.max(...steps)).toBe(40);
  const loss = col('taskLoss');
  expect(loss.length).toBeGreaterThanOrEqual(10);
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  const first = mean(loss.slice(0, 5));
  const last = mean(loss.slice(-5));
  expect(last, `task loss first 5 rows ${first}, last 5 rows ${last}`).toBeLessThan(first - 0.05);
  expect(col('valAccuracy').length).toBeGreaterThanOrEqual(1);

  // After a reload the run list shows the saved run (its checkpoint in IndexedDB).
  const runId = download.suggestedFilename().replace(/-metrics\.csv$/, '');
  await page.reload();
  const savedRow = page.getByTestId('run-list').locator('tbody tr', { hasText: runId });
  await expect(savedRow).toContainText('listops · proxy');
  // Its curves come back from the checkpoint without resuming it: tick it to compare.
  await savedRow.getByRole('checkbox').click();
  await expect(savedRow.getByRole('checkbox')).toBeChecked();
  const compare = page.locator('figure.chart-card', { hasText: 'Compare: train loss' });
  await expect(compare.locator('path.series-curve').first()).toBeVisible();
  expect((await compare.locator('path.series-curve').first().getAttribute('d'))!.split('L').length).toBeGreaterThanOrEqual(10);

  // Resume it with a lower learning rate: a bad value is refused with the allowed range; the new
  // one is used and recorded (config.json of its bundle, `resumeLr` on the resume step's row).
  await savedRow.getByRole('button', { name: /^Resume/ }).click();
  const editor = page.getByTestId('resume-editor');
  await editor.getByLabel('Learning rate from here').fill('0');
  await expect(editor.getByRole('alert')).toHaveText(/^Learning rate 0 .*allowed a number from 0\.000001 to 1\.$/);
  await expect(editor.getByRole('button', { name: 'Resume' })).toBeDisabled();
  await editor.getByLabel('Learning rate from here').fill('5e-4');
  await expect(editor).toContainText('resumes with learning rate 0.0005');
  await editor.getByRole('button', { name: 'Resume' }).click();
  await expect(runState(page)).toHaveAttribute('data-state', 'finished', { timeout: 300_000 });
  const [bundle] = await Promise.all([
    page.waitForEvent('download', { timeout: 120_000 }),
    page.getByRole('button', { name: /^Export bundle/ }).click(),
  ]);
  const files = unzipSync(readFileSync((await bundle.path())!));
  expect(JSON.parse(new TextDecoder().decode(files['config.json'])).lr).toBe(5e-4);
  const rows = new TextDecoder().decode(files['metrics.csv']).trim().split('\n');
  const resumeCol = rows[0].split(',').indexOf('resumeLr');
  expect(resumeCol).toBeGreaterThan(0);
  expect(
    rows
      .slice(1)
      .filter((r) => r.split(',')[resumeCol] !== '')
      .map((r) => Number(r.split(',')[resumeCol])),
  ).toEqual([5e-4]);
  expect(watch.problems).toEqual([]);
});

for (const attention of ['softmax', 'nystrom', 'proxy'] as const) {
  test(`attention views draw non-blank pixels for ${attention}`, async ({ page }) => {
    const watch = watchConsole(page);
    await page.goto(link(`quick-listops-${attention}`, { steps: 200, evalEvery: 200, evalSteps: 1, checkpointEvery: 0 }));
    await page.getByRole('button', { name: /^Start/ }).click();
    await expect.poll(() => shownStep(page), { timeout: 300_000 }).toBeGreaterThanOrEqual(1);
    await page.getByRole('button', { name: /^Pause/ }).click();
    await expect(runState(page)).toHaveAttribute('data-state', 'paused', { timeout: 300_000 });
    if (attention === 'proxy') {
      // Mid-run: cold settings are locked with a note, hot ones stay editable and go to the worker.
      // The configuration folds away when a run starts (the dashboard's room): open it first.
      await page.getByRole('button', { name: 'Configuration ▸' }).click();
      await expect(page.getByTestId('locked-note')).toBeVisible();
      await expect(page.locator('.field[data-key="layers"] input')).toBeDisabled();
      await expect(page.locator('.field[data-key="injection"] select')).toBeDisabled();
      await page.locator('.field[data-key="contrastiveWeight"] input').fill('0.2');
      await page.locator('.field[data-key="lr"] input').fill('0.002');
      const before = await shownStep(page);
      await page.getByRole('button', { name: /^Step/ }).click(); // one step with the new settings
      await expect.poll(() => shownStep(page), { timeout: 120_000 }).toBe(before + 1);
      await expect(page.getByTestId('cold-notice')).toHaveCount(0);
      await expect(page.getByTestId('failure')).toHaveCount(0);
    }
    await page
      .getByRole('button', { name: /^Refresh views/ })
      .first()
      .click();
    const views = page.locator(`[data-testid="views"][data-attention="${attention}"]`);
    await expect(views).toBeVisible({ timeout: 120_000 });
    const expected =
      attention === 'softmax'
        ? ['heatmap-softmax']
        : [
            'heatmap-k1',
            'heatmap-k2',
            'heatmap-z',
            'heatmap-k3',
            'heatmap-qcosine',
            'heatmap-kcosine',
            'heatmap-exact',
            'heatmap-approx',
            'heatmap-error',
          ];
    for (const id of expected) {
      const distinct = await views
        .getByTestId(id)
        .locator('canvas')
        .evaluate((c: HTMLCanvasElement) => {
          const d = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
          const colours = new Set<number>();
          for (let i = 0; i < d.length; i += 4) colours.add((d[i] << 16) | (d[i + 1] << 8) | d[i + 2]);
          return colours.size;
        });
      expect(distinct, `${id} draws more than one colour`).toBeGreaterThan(1);
    }
    if (attention === 'nystrom') await expect(views.getByTestId('landmark-segments')).toBeVisible();
    if (attention !== 'softmax') {
      await expect(views.getByTestId('k3-strip')).toBeVisible();
      await expect(views.getByTestId('pinv-residual').locator('svg.recharts-surface')).toBeVisible();
    }
    // Hover readout names row, column and value.
    const canvas = views.locator('canvas').first();
    await canvas.hover({ position: { x: 3, y: 3 } });
    await expect(views.locator('.readout').first()).toHaveText(/^[\w ()]+ \d+( “[^”]+”)?, [\w ()]+ \d+( “[^”]+”)?: -?\d/);
    expect(watch.problems).toEqual([]);
  });
}
