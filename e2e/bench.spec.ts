/**
 * The scaling benchmark in Chromium (WebGPU in the page), with both peers on the same adapter:
 * tfjs-webgpu's training step and onnxruntime-web's WebGPU provider on our exported model.
 *
 * By default a tiny smoke run (batch 1, lengths 32 and 64, one repeat) that checks the JSON
 * the page returns: every row ran, both peers ran with a ratio, growth and target lines are
 * there. With BENCH=1 the real sweep runs (BENCH_BATCH, BENCH_LENGTHS, BENCH_REPEATS,
 * BENCH_LANDMARKS, BENCH_CONV override it) and writes results/<date>-<adapter>-browser/bench.{json,md}.
 * Speed is never asserted.
 */
import { expect, test } from '@playwright/test';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { BrowserBenchOptions } from '../src/bench/browser';
import { resultFolderName } from '../src/bench/naming';
import { toMarkdown, targetLines } from '../src/bench/report';
import type { SweepResult } from '../src/bench/sweep';
// Every variant of the sweep: the schema's attentions and the fused implementations (src/bench/rows.ts).
import { VARIANTS, VARIANT_NAMES } from '../src/bench/rows';
import { startBenchPage, type BenchPageServer } from './pages/benchServer';
import { watchConsole } from './console';

const FULL = process.env.BENCH === '1';
const num = (name: string, fallback: number) => (process.env[name] ? Number(process.env[name]) : fallback);
// The smoke run checks the peers, and the tfjs peer implements these three (src/bench/tfjs/peer.ts).
const smoke: BrowserBenchOptions = {
  variants: ['softmax', 'nystrom', 'proxy'],
  lengths: [32, 64],
  batch: 1,
  warmup: 0,
  repeats: 1,
  overrides: { landmarks: 8, convKernel: 3 },
  peers: ['tfjs', 'ort'],
};
const budget = num('BENCH_LANDMARKS', 32); // m, Linformer's k and Performer's features alike
const full: BrowserBenchOptions = {
  variants: [...VARIANTS],
  lengths: (process.env.BENCH_LENGTHS ?? '64,128,256').split(',').map(Number),
  batch: num('BENCH_BATCH', 2),
  warmup: 1,
  repeats: num('BENCH_REPEATS', 3),
  overrides: { landmarks: budget, linformerK: budget, performerFeatures: budget, convKernel: num('BENCH_CONV', 3) },
  shrinkBatch: true,
  peers: ['tfjs', 'ort'],
};

let server: BenchPageServer;
test.beforeAll(async () => {
  server = await startBenchPage();
});
test.afterAll(async () => {
  await server?.close();
});

test(
  FULL
    ? 'bench: full sweep in Chromium with tfjs and onnxruntime-web peers'
    : 'bench: smoke sweep in Chromium returns the result JSON with both peers',
  async ({ page }) => {
    test.setTimeout(FULL ? 3_600_000 : 300_000);
    // onnxruntime-web warns that shape-only nodes stay on its CPU kernels (its documented placement);
    // tfjs logs its backend registration; neither is a WebGPU problem.
    const watch = watchConsole(page, [
      /not assigned to the preferred execution providers/,
      /Rerun with 'ort.env.logLevel/,
      /tensorflow|tfjs/i,
    ]);
    await page.goto(server.url);
    const opts = FULL ? full : smoke;
    const result = (await page.evaluate((o) => window.__benchPage.run(o), opts)) as SweepResult;

    expect(result.schema).toBe('proxyformer-bench/1');
    expect(result.adapter.runtime).toMatch(/^Chromium /);
    expect(result.rows).toHaveLength(opts.variants.length * opts.lengths.length * 2);
    if (!FULL) {
      for (const r of result.rows) {
        expect(r.status, `${r.variant} ${r.mode} n=${r.n}: ${r.note}`).toBe('ok');
        expect(r.ms!.median).toBeGreaterThan(0);
        expect(r.peakBytesPerSequence).toBeGreaterThan(0);
      }
      expect(result.growth).toHaveLength(6);
      for (const prefix of ['tfjs', 'onnxruntime-web']) {
        const rows = result.peers.filter((p) => p.peer.startsWith(prefix));
        expect(rows, prefix).toHaveLength(opts.variants.length * opts.lengths.length);
        for (const p of rows) {
          expect(p.status, `${p.peer} ${p.variant} n=${p.n}: ${p.note}`).toBe('ok');
          expect(p.ratioToOurs).toBeGreaterThan(0);
        }
      }
      // Six ratios between our variants (three of them against the fused ones, unmeasured in this
      // smoke run of softmax, Nyströmformer and Proxyformer), one per peer.
      expect(result.targets.map((t) => t.name)).toHaveLength(8);
      expect(toMarkdown(result)).toContain('## Peers on the same adapter');
    } else {
      const folder = join('results', resultFolderName(result));
      mkdirSync(folder, { recursive: true });
      writeFileSync(join(folder, 'bench.json'), JSON.stringify(result, null, 2) + '\n');
      writeFileSync(join(folder, 'bench.md'), toMarkdown(result) + '\n');
      console.log([`wrote ${folder}`, ...targetLines(result)].join('\n'));
    }
    expect(watch.problems).toEqual([]);
  },
);

test('bench: the Scaling view runs a sweep with progress and draws throughput and memory against length', async ({ page }) => {
  test.setTimeout(600_000);
  const watch = watchConsole(page);
  await page.goto(`${server.url}?view`);
  const view = page.getByTestId('scaling-view');
  await view.getByLabel('lengths').fill('32, 64');
  await view.getByLabel('batch').fill('1');
  await view.getByLabel('repeats').fill('1');
  await view.getByTestId('scaling-run').click();
  await expect(view.getByTestId('scaling-progress')).toBeVisible();
  await expect(view.getByTestId('scaling-adapter')).toContainText('WebGPU', { timeout: 540_000 });
  // Three charts, each with one line per variant of the schema, and the paper's marks on the training charts.
  const charts = view.locator('figure.metric-chart');
  await expect(charts).toHaveCount(3);
  for (let i = 0; i < 3; i++) await expect(charts.nth(i).locator('.recharts-line')).toHaveCount(VARIANTS.length);
  // recharts orders its legend itself: compare as sets.
  expect((await charts.nth(0).locator('.recharts-legend-item-text').allTextContents()).sort()).toEqual(
    VARIANTS.map((v) => VARIANT_NAMES[v]).sort(),
  );
  await expect(charts.nth(0)).toContainText('paper: Proxyformer 3.8× softmax');
  await expect(charts.nth(1)).toContainText('paper: Proxyformer 0.08× softmax');
  await expect(view.locator('table.scaling-targets tbody tr')).toHaveCount(6);
  // The committed n = 4096 memory of every variant, beside what this page measured.
  const committed = view.getByTestId('committed-memory');
  await expect(committed).toContainText('n = 4096');
  for (const v of VARIANTS) await expect(committed.locator(`tr[data-variant="${v}"]`)).toHaveCount(1);
  await page.screenshot({ path: test.info().outputPath('scaling-view.png'), fullPage: true });
  expect(watch.problems).toEqual([]);
});

test('bench: the Scaling view draws rows as they come, with an ETA, and Cancel keeps them', async ({ page }) => {
  test.setTimeout(600_000);
  const watch = watchConsole(page);
  await page.goto(`${server.url}?view`);
  const view = page.getByTestId('scaling-view');
  await view.getByLabel('lengths').fill('32, 64, 128, 256');
  await view.getByLabel('batch').fill('1');
  await view.getByLabel('repeats').fill('1');
  await view.getByTestId('scaling-run').click();
  // The first measured rows are drawn before the sweep ends, and the time left is estimated.
  await expect(view.getByTestId('scaling-partial').locator('figure.metric-chart').first()).toBeVisible({ timeout: 300_000 });
  await expect(view.getByTestId('scaling-eta')).toHaveText(/ETA about \d+:\d\d/);
  await view.getByTestId('scaling-cancel').click();
  await expect(view.getByTestId('scaling-cancelled')).toHaveText(
    new RegExp(`^Cancelled after \\d+ of ${VARIANTS.length * 4 * 2} measurements`),
    {
      timeout: 300_000,
    },
  );
  await expect(view.getByTestId('scaling-run')).toBeEnabled();
  await expect(view.getByTestId('scaling-partial').locator('figure.metric-chart')).toHaveCount(3);
  await expect(view.getByTestId('scaling-adapter')).toHaveCount(0); // no full result
  expect(watch.problems).toEqual([]);
});
