/**
 * The inference panel's choices in Chromium on SwiftShader: `auto` sees the software adapter and
 * runs on wasm, saying so; a prediction disappears as soon as the input becomes invalid; a file
 * that is neither a zip nor safetensors is named as not a bundle and the loaded model stays.
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

test('auto picks wasm on the software adapter, an invalid input clears the prediction, a non-zip is not a bundle', async ({ page }) => {
  const watch = watchConsole(page);
  await page.goto(server.url);
  const config = tinyRunConfig({ attention: 'softmax' });
  const file = join(server.dir, 'softmax.zip');
  writeFileSync(file, writeBundle({ config, weights: randomWeights(parameterShapes(config), 4) }));
  await page.getByTestId('infer-file').setInputFiles(file);
  await page.getByTestId('infer-load').click();
  await expect(page.getByTestId('infer-session-state')).toHaveText('ready');
  const session = page.getByTestId('infer-session-provider');
  await expect(session).toHaveAttribute('data-provider', 'wasm');
  await expect(session).toContainText('(swiftshader) is a software one');
  await page.getByTestId('infer-run').click();
  await expect(page.getByTestId('infer-provider')).toContainText('wasm execution provider (auto: the WebGPU adapter (swiftshader)');

  // An unbalanced expression: the error shows and the previous prediction goes.
  await page.getByTestId('infer-listops').fill('[MAX 2 9');
  await expect(page.getByRole('alert')).toBeVisible();
  await expect(page.getByTestId('infer-result')).toHaveCount(0);
  await expect(page.getByTestId('infer-run')).toBeDisabled();

  const png = join(server.dir, 'digit.png');
  writeFileSync(png, Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52]));
  await page.getByTestId('infer-file').setInputFiles(png);
  await page.getByTestId('infer-load').click();
  await expect(page.getByTestId('infer-load-error')).toContainText('digit.png is not a run bundle');
  await expect(page.getByTestId('infer-load-error')).toContainText('it starts with the bytes 89 50 4e 47');
  await expect(page.getByTestId('infer-model')).toContainText('softmax.zip');
  expect(watch.problems).toEqual([]);
});
