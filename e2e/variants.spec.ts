/**
 * The projection, kernel, block-sparse and LSH baselines in the page (software WebGPU): for Linformer,
 * Performer, linear attention, BigBird and Reformer a tiny run starts from its quick preset, the views are refreshed, and every
 * heatmap of the variant draws non-blank pixels, with the error against exact softmax shown as a
 * number — no console error or warning on the way. The form shows the variant's keys with their
 * provenance, and Linformer's help says that E ties the model to its seqLen.
 */
import { expect, test, type Page } from '@playwright/test';
import { encodeHash, type RunConfig } from '../src/config';
import { PRESETS } from '../src/presets';
import { watchConsole } from './console';

const link = (preset: string, over: Partial<RunConfig>) => `/#${encodeHash({ ...PRESETS[preset].config, ...over })}`;
const runState = (page: Page) => page.getByTestId('run-state');
const shownStep = async (page: Page) => Number((await runState(page).textContent())?.match(/step (\d+)/)?.[1] ?? 0);

test.describe.configure({ timeout: 600_000 });

const CASES = {
  linformer: {
    keys: ['linformerK', 'linformerSharing'],
    heatmaps: ['heatmap-linformer-e', 'heatmap-linformer-attention', 'heatmap-kcosine', 'heatmap-exact', 'heatmap-approx', 'heatmap-error'],
  },
  performer: {
    keys: ['performerFeatures', 'performerKernel', 'performerRedraw'],
    heatmaps: ['heatmap-exact', 'heatmap-approx', 'heatmap-error'],
  },
  linear: { keys: [], heatmaps: ['heatmap-exact', 'heatmap-approx', 'heatmap-error'] },
  bigbird: {
    keys: ['bigbirdBlock', 'bigbirdRandom'],
    heatmaps: ['heatmap-bigbird-pattern', 'heatmap-exact', 'heatmap-approx', 'heatmap-error'],
  },
  reformer: {
    keys: ['reformerHashes', 'reformerChunk'],
    heatmaps: ['heatmap-reformer-buckets', 'heatmap-reformer-chunks', 'heatmap-exact', 'heatmap-approx', 'heatmap-error'],
  },
} as const;

for (const [attention, expected] of Object.entries(CASES)) {
  test(`${attention}: a tiny run trains and its views draw non-blank heatmaps`, async ({ page }) => {
    const watch = watchConsole(page);
    await page.goto(link(`quick-listops-${attention}`, { steps: 200, evalEvery: 200, evalSteps: 1, checkpointEvery: 0 }));
    // The form: the variant's own keys, each with its provenance badge; no Nyström keys.
    for (const key of expected.keys) {
      const field = page.locator(`.field[data-key="${key}"]`);
      await expect(field).toBeVisible();
      await expect(field.locator('.tag.prov-paper, .tag.prov-ours')).toHaveCount(1);
    }
    await expect(page.locator('.field[data-key="landmarks"]')).toHaveCount(0);
    if (attention === 'linformer')
      await expect(page.locator('.field[data-key="linformerK"] .help')).toContainText('ties the model to its seqLen');

    await page.getByRole('button', { name: /^Start/ }).click();
    await expect.poll(() => shownStep(page), { timeout: 300_000 }).toBeGreaterThanOrEqual(1);
    await page.getByRole('button', { name: /^Pause/ }).click();
    await expect(runState(page)).toHaveAttribute('data-state', 'paused', { timeout: 300_000 });
    await page
      .getByRole('button', { name: /^Refresh views/ })
      .first()
      .click();
    const views = page.locator(`[data-testid="views"][data-attention="${attention}"]`);
    await expect(views).toBeVisible({ timeout: 120_000 });
    for (const id of expected.heatmaps) {
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
    if (attention === 'linformer') {
      // E: rows are the k projected keys, columns the n positions.
      await expect(views.getByTestId('heatmap-linformer-e').locator('figcaption')).toContainText('[16×64]');
      await expect(views.getByTestId('heatmap-linformer-attention').locator('figcaption')).toContainText('[64×16]');
    }
    if (attention === 'bigbird') {
      // 64 tokens in 16 blocks of 4: the pattern is block × block.
      await expect(views.getByTestId('heatmap-bigbird-pattern').locator('figcaption')).toContainText('[16×16]');
    }
    if (attention === 'reformer') {
      // 2 rounds over 64 tokens; 128 sorted queries, each against 2 chunks of 8.
      await expect(views.getByTestId('heatmap-reformer-buckets').locator('figcaption')).toContainText('[2×64]');
      await expect(views.getByTestId('heatmap-reformer-chunks').locator('figcaption')).toContainText('[128×16]');
    }
    await expect(views.getByTestId('approx-rel-error')).toHaveText(/^\d/);
    const budget = { linformer: 'k = 16', performer: 'features = 16', bigbird: 'b = 4', reformer: 'chunk = 8' } as Record<string, string>;
    await expect(views.locator('.muted').first()).toContainText(budget[attention] ?? 'n = 64');
    expect(watch.problems).toEqual([]);
  });
}

test("the paper's comparison offers softmax, Reformer, BigBird, Linformer, Performer, Nyströmformer and Proxyformer", async ({ page }) => {
  const watch = watchConsole(page);
  await page.goto(link('quick-listops-proxy', { steps: 4, warmupSteps: 2, evalEvery: 4, evalSteps: 1, batchSize: 4, checkpointEvery: 0 }));
  await page.getByTestId('study-select').selectOption('paper');
  const arms = page.getByTestId('study-arms').locator('label');
  await expect(arms).toHaveText(['softmax (baseline)', 'Reformer', 'BigBird', 'Linformer', 'Performer', 'Nyströmformer', 'Proxyformer']);
  await expect(page.locator('section[aria-labelledby=study-h] .help').first()).not.toContainText('Not yet available');
  expect(watch.problems).toEqual([]);
});
