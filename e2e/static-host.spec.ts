/**
 * dist/ from a plain static host: `npx vite build` output served under a sub-path by a server
 * that sends no COOP/COEP headers (as GitHub Pages). The page reaches cross-origin isolation
 * through its service worker (coi-serviceworker, one reload), says so in its badge, trains a
 * quick preset from the page, and runs the trained model in onnxruntime-web's wasm with threads.
 */
import { expect, test } from '@playwright/test';
import { encodeHash } from '../src/config';
import { PRESETS } from '../src/presets';
import { watchConsole } from './console';
import { serveStatic, type StaticHost } from './staticHost';

let host: StaticHost;
test.beforeAll(async () => {
  host = await serveStatic('dist', '/user/repo/');
});
test.afterAll(async () => {
  await host?.close();
});

test.describe.configure({ timeout: 420_000 });

test('dist/ under a sub-path of a header-less static host: isolated by the service worker, trains, runs wasm inference with threads', async ({
  page,
}) => {
  const watch = watchConsole(page);
  const config = { ...PRESETS['quick-listops-softmax'].config, steps: 6, warmupSteps: 2, evalEvery: 6, evalSteps: 1, checkpointEvery: 0 };
  await page.goto(`${host.url}#${encodeHash(config)}`);
  // First load: not isolated, the service worker registers and reloads the page once.
  await page.waitForFunction(() => (globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated === true, null, {
    timeout: 60_000,
  });
  for (const headers of host.sentHeaders.values()) {
    expect(Object.keys(headers).map((h) => h.toLowerCase())).not.toContain('cross-origin-embedder-policy');
  }
  const badge = page.getByTestId('isolation-badge');
  await expect(badge).toHaveAttribute('data-isolated', 'true');
  await expect(badge).toHaveAttribute('data-how', 'service worker');
  await expect(page.getByTestId('backend-badge')).toHaveAttribute('data-state', 'webgpu');

  // Training from the page: the corpora and the worker load from the sub-path.
  await page.locator('h1').click();
  await page.keyboard.press('s');
  const runState = page.getByTestId('run-state');
  await expect(runState).toHaveAttribute('data-state', 'finished', { timeout: 300_000 });

  // The trained weights in onnxruntime-web's wasm, on more than one thread.
  const threads = await page.evaluate(() => Math.min(4, navigator.hardwareConcurrency));
  expect(threads).toBeGreaterThan(1); // the machine must have two cores for the claim to mean anything
  await page.getByTestId('infer-use-current').click();
  await page.getByTestId('infer-provider-choice').selectOption('wasm');
  await expect(page.getByTestId('infer-session-state')).toHaveText('ready', { timeout: 60_000 });
  await page.getByTestId('infer-run').click();
  const result = page.getByTestId('infer-result');
  await expect(result).toHaveAttribute('data-provider', 'wasm');
  await expect(result).toHaveAttribute('data-wasm-threads', String(threads));
  await expect(page.getByTestId('infer-provider')).toContainText(`${threads} threads`);
  expect(watch.problems).toEqual([]);
});
