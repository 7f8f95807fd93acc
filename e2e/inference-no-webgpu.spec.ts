/**
 * The inference panel in Chromium without WebGPU: `auto` runs on the wasm provider and says
 * why; asking for webgpu gives a message naming the problem instead of a silent fallback.
 */
import { expect, test } from '@playwright/test';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { writeBundle } from '../src/io/bundle/write';
import { tinyRunConfig } from '../src/io/bundle/testing/fixtures';
import { parameterShapes } from '../src/io/onnx/config';
import { randomWeights } from '../src/io/testing/random';
import { watchConsole } from './console';
import { startInferencePage, type InferencePageServer } from './pages/inferenceServer';

let server: InferencePageServer;
test.beforeAll(async () => {
  server = await startInferencePage();
});
test.afterAll(async () => {
  await server?.close();
});

test('without WebGPU, auto runs on wasm and says why; webgpu is refused with a message', async ({ page }) => {
  // Chromium itself warns "No available adapters." when requestAdapter() resolves to null: that is the condition under test.
  const watch = watchConsole(page, [/^No available adapters\.$/]);
  await page.goto(server.url);
  const config = tinyRunConfig({ attention: 'softmax' });
  const file = join(server.dir, 'softmax.zip');
  writeFileSync(file, writeBundle({ config, weights: randomWeights(parameterShapes(config), 4) }));
  await page.getByTestId('infer-file').setInputFiles(file);
  await page.getByTestId('infer-load').click();
  await expect(page.getByTestId('infer-session-state')).toHaveText('ready');
  await page.getByTestId('infer-run').click();
  await expect(page.getByTestId('infer-result')).toHaveAttribute('data-provider', 'wasm');
  await expect(page.getByTestId('infer-provider')).toContainText('wasm execution provider (auto: no WebGPU adapter in this browser)');
  await page.getByTestId('infer-provider-choice').selectOption('webgpu');
  await expect(page.getByTestId('infer-session-state')).toContainText(
    'the webgpu execution provider was asked for, but this browser gives no WebGPU adapter; choose wasm.',
  );
  await expect(page.getByTestId('infer-run')).toBeDisabled();
  expect(watch.problems).toEqual([]);
});
