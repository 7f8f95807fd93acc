/**
 * Hostile run bundles of a few MB imported in the page: the bundle import worker refuses each
 * with a message naming the budget it passed (docs/imports.md), the page's main thread has no
 * long task over 50 ms meanwhile, and nothing on the page changes (run state, runs list, URL).
 */
import { expect, test, type Page } from '@playwright/test';
import { crc32 } from '../src/io/bundle/crc32';
import { writeBundle } from '../src/io/bundle/write';
import { deflateChunks, rawEntriesOf, rawZip } from '../src/io/bundle/testing/rawZip';
import { sampleMetrics, tinyRunConfig } from '../src/io/bundle/testing/fixtures';
import { parameterShapes } from '../src/io/onnx/config';
import { randomWeights } from '../src/io/testing/random';
import { watchConsole } from './console';
import { chooseFileWatchingLongTasks } from './longTasks';

test.describe.configure({ timeout: 300_000 });

const config = tinyRunConfig({ layers: 1, dModel: 4, ffn: 4 });
const bundle = writeBundle({ config, weights: randomWeights(parameterShapes(config)), metrics: sampleMetrics(3) });
const MiB = 1024 * 1024;

/** metrics.csv of 2.5 million 2-byte rows, stored uncompressed: a 5 MB file over maxMetricsRows. */
function tinyRowsBundle(): Uint8Array {
  const csv = new TextEncoder().encode(`step\n${'1\n'.repeat(2_500_000)}`);
  return rawZip(rawEntriesOf(bundle, [{ name: 'metrics.csv', method: 0, data: csv, size: csv.length, crc: crc32(csv) }]));
}

/** metrics.csv declared as 1000 bytes whose deflate stream inflates to 64 MiB, padded with a stored 3 MB model.onnx. */
function lyingBundle(): Uint8Array {
  const stream = deflateChunks([new Uint8Array(MiB)], 64, false);
  const pad = new Uint8Array(3 * MiB);
  return rawZip(
    rawEntriesOf(bundle, [
      { name: 'metrics.csv', method: 8, data: stream.data, size: 1000, crc: 0 },
      { name: 'model.onnx', method: 0, data: pad, size: pad.length, crc: crc32(pad) },
    ]),
  );
}

/** Hands `bytes` as a file to the "continue from a bundle" input and returns the long tasks (ms) that started after the change handler returned. */
async function importInPage(page: Page, name: string, bytes: Uint8Array): Promise<() => Promise<number[]>> {
  await page.evaluate(
    ([n, b64]) => {
      const w = window as unknown as { __file: File };
      w.__file = new File([Uint8Array.from(atob(b64), (c) => c.charCodeAt(0))], n, { type: 'application/zip' });
    },
    [name, Buffer.from(bytes).toString('base64')] as const,
  );
  const read = await chooseFileWatchingLongTasks(page, 'import-run');
  return async () => (await read()).during;
}

async function pageState(page: Page) {
  return {
    run: await page.getByTestId('run-state').getAttribute('data-state'),
    // The saved runs (the list is absent while there are none).
    runs: await page.getByTestId('run-list').locator('tbody tr').count(),
    status: await page.getByTestId('run-state').textContent(),
    url: page.url(),
  };
}

test('hostile bundles are refused by their budget in the import worker; the main thread stays free and nothing changes', async ({
  page,
}) => {
  const watch = watchConsole(page);
  await page.goto('/');
  await expect(page.getByTestId('run-state')).toHaveAttribute('data-state', 'idle');
  const before = await pageState(page);
  const cases = [
    { name: 'tiny-rows.zip', bytes: tinyRowsBundle(), says: /maxMetricsRows = 2000002/ },
    { name: 'lying-size.zip', bytes: lyingBundle(), says: /metrics\.csv inflates past its declared 1000 bytes/ },
  ];
  for (const c of cases) {
    expect(c.bytes.length).toBeGreaterThan(3 * MiB);
    const longTasks = await importInPage(page, c.name, c.bytes);
    const message = page.getByTestId('import-run-message');
    await expect(message).toContainText(`${c.name} was not loaded`, { timeout: 120_000 });
    await expect(message).toContainText(c.says);
    const long = await longTasks();
    expect(
      long.filter((ms) => ms > 50),
      `long tasks (ms) while ${c.name} was imported: ${long.join(', ')}`,
    ).toEqual([]);
    expect(await pageState(page)).toEqual(before);
    await expect(page.getByTestId('import-run')).toBeEnabled();
  }
  expect(watch.problems).toEqual([]);
});
