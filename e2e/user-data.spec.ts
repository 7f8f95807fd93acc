/**
 * Your own data in the page: a small CSV (label: does the text hold "zebra"?) is imported in
 * the import worker, previewed, used, trained to above chance, exported as a bundle, and after
 * a reload the dataset and the run are listed. A link whose dataset is not stored says so.
 * Hostile files are refused within their budgets while the main thread stays free.
 */
import { readFileSync } from 'node:fs';
import { expect, test, type Page } from '@playwright/test';
import { unzipSync, zipSync } from 'fflate';
import { defaultConfig, encodeHash } from '../src/config';
import { watchConsole } from './console';
import { chooseFileWatchingLongTasks } from './longTasks';

test.describe.configure({ timeout: 600_000 });

function keywordCsv(rows: number): string {
  const words = ['apple', 'river', 'stone', 'cloud', 'paper', 'green', 'quiet', 'north', 'light', 'table'];
  let seed = 11;
  const r = () => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    return seed / 4294967296;
  };
  let s = 'id,text,label\n';
  for (let i = 0; i < rows; i++) {
    const w = Array.from({ length: 6 }, () => words[Math.floor(r() * words.length)]);
    const pos = r() < 0.5;
    if (pos) w[Math.floor(r() * 6)] = 'zebra';
    s += `${i},"${w.join(' ')}",${pos ? 'yes' : 'no'}\n`;
  }
  return s;
}

const file = (name: string, data: string | Uint8Array, mimeType = 'text/csv') => ({
  name,
  mimeType,
  buffer: Buffer.from(typeof data === 'string' ? new TextEncoder().encode(data) : data),
});

/**
 * Builds a large file inside the page (so that Playwright's own transfer of the bytes is not
 * counted), hands it to the file input, and returns a reader of the main-thread long tasks
 * (> 50 ms) that started after that handler returned, i.e. while the worker read and parsed.
 * (The change handler's own render is not the parse: it is one React update, like any click.)
 */
async function importBuiltInPage(page: Page, name: string, build: string): Promise<() => Promise<{ during: number[]; all: number[] }>> {
  await page.evaluate(
    ([n, code]) => {
      const w = window as unknown as { __file: File; __long: number[] };
      w.__file = new File([new Function(`return ${code}`)() as string], n, { type: 'text/csv' });
    },
    [name, build] as const,
  );
  return chooseFileWatchingLongTasks(page, 'data-file');
}

test('a CSV dataset: import, preview, train above chance, export a bundle, reload and find both', async ({ page }) => {
  const watch = watchConsole(page);
  await page.goto('/');
  const panel = page.getByTestId('user-data');
  await panel.getByTestId('data-file').setInputFiles(file('zebra.csv', keywordCsv(400)));
  const preview = panel.getByTestId('data-preview');
  await expect(preview).toContainText(/zebra .*: text, 400 distinct examples/);
  await expect(preview.getByTestId('class-balance')).toContainText('yes');
  await expect(preview.locator('.preview-examples li').first()).toContainText(/(yes|no):/);
  const id = (await preview.locator('code').first().textContent())!;
  expect(id).toMatch(/^[0-9a-f]{16}$/);
  await preview.getByTestId('use-dataset').click();
  await expect(page).toHaveURL(new RegExp(`did=${id}`));
  await expect(page).toHaveURL(/t=custom/);
  // A short run: the form keeps every key editable.
  for (const [key, value] of [
    ['steps', '120'],
    ['warmupSteps', '12'],
    ['evalEvery', '60'],
  ] as const)
    await page.locator(`.field[data-key="${key}"] input`).fill(value);
  await page.getByRole('button', { name: /^Start/ }).click();
  const runState = page.getByTestId('run-state');
  await expect(runState).toHaveAttribute('data-state', 'finished', { timeout: 540_000 });
  const accuracy = Number((await runState.textContent())!.match(/test accuracy ([\d.]+)%/)![1]);
  expect(accuracy).toBeGreaterThan(65); // chance is about 50%
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: /^Export bundle/ }).click()]);
  const entries = unzipSync(readFileSync((await download.path())!));
  const config = JSON.parse(new TextDecoder().decode(entries['config.json']));
  expect(config).toMatchObject({ task: 'custom', dataId: id, dataName: 'zebra', dataKind: 'text', numClasses: 2 });
  expect(config.dataTrain + config.dataValidation + config.dataTest).toBe(400);
  // The best-validation checkpoint (validations at 60 and 120) exports too, named as such.
  const [best] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: /^Export best/ }).click()]);
  expect(best.suggestedFilename()).toMatch(/-best-step(60|120)\.zip$/);
  await expect(page.getByTestId('command-feedback')).toContainText('(the best-validation checkpoint)');

  await page.reload();
  await expect(page.getByTestId(`dataset-${id}`)).toContainText('zebra');
  await expect(page.getByTestId('run-list').locator('tbody tr', { hasText: 'custom' }).first()).toBeVisible();
  await expect(page.getByTestId('dataset-missing')).toHaveCount(0);
  expect(watch.problems).toEqual([]);
});

test('a link to a dataset this browser does not hold says so and offers the import', async ({ page }) => {
  const c = {
    ...defaultConfig('custom', 'proxy'),
    dataId: '00112233aabbccdd',
    dataName: 'reviews',
    dataTrain: 80,
    dataValidation: 10,
    dataTest: 10,
  };
  await page.goto(`/#${encodeHash(c)}`);
  await expect(page.getByTestId('dataset-missing')).toContainText(
    '“reviews” (00112233aabbccdd, 80/10/10 examples), which is not stored in this browser',
  );
  await expect(page.getByTestId('data-file')).toBeAttached();
});

test('hostile files are refused within their budgets, the page stays responsive, and Cancel stops an import', async ({ page }) => {
  await page.goto('/');
  const panel = page.getByTestId('user-data');
  const input = panel.getByTestId('data-file');
  const error = panel.getByTestId('import-error');

  // Let the page finish starting (the backend probe, the first renders) before timing the main thread.
  await expect(page.getByTestId('backend-badge')).toHaveAttribute('data-state', 'webgpu');
  await page.waitForTimeout(3000);
  // Large files: refused in the worker while the main thread has no long task.
  const large: [string, string, string, RegExp, number][] = [
    // biome-ignore lint/suspicious/noTemplateCurlyInString: the page evaluates this source text to build a 3 MiB line there
    ['a huge line', 'line.csv', '`text,label\n"${"x".repeat(3 << 20)}",1\n`', /longer than 1048576 characters \(maxLineChars\)/, 20_000],
    ['millions of rows', 'rows.csv', '"text,label\\n" + "a,1\\n".repeat(3000000)', /more than 200000 rows \(maxRows\)/, 30_000],
  ];
  for (const [what, name, build, message, budget] of large) {
    const started = Date.now();
    const longTasks = await importBuiltInPage(page, name, build);
    await expect(error, what).toContainText(message, { timeout: budget });
    expect(Date.now() - started, what).toBeLessThan(budget);
    const long = await longTasks();
    // The parse runs in the worker: on the main thread the same files take seconds (the 12 MB
    // of rows alone). What remains there is one React update and starting the worker, which on
    // an idle laptop stay under 50 ms; on the shared 2-core test machine (load ~12) they were
    // measured at 59–93 ms, hence the bound of 200 ms here, far below a main-thread parse.
    expect(
      Math.max(0, ...long.during),
      `${what}: main-thread long tasks (ms) while the worker parsed: ${long.during.join(', ')} (all since the file was given: ${long.all.join(', ')})`,
    ).toBeLessThan(200);
  }

  // Small hostile files, through the file picker.
  const cases: [string, ReturnType<typeof file>, RegExp, number][] = [
    [
      'bad encoding',
      file('latin1.csv', new Uint8Array([...new TextEncoder().encode('text,label\ncaf'), 0xe9, ...new TextEncoder().encode(',1\n')])),
      /not valid UTF-8: byte offset 14/,
      10_000,
    ],
    [
      'a zip bomb',
      file('bomb.zip', zipSync({ 'a/x.png': new Uint8Array(300 << 20), 'b/y.png': new Uint8Array(10) }, { level: 1 }), 'application/zip'),
      /would expand to more than 256.0 MiB \(maxUnzippedBytes/,
      20_000,
    ],
    [
      'an image of huge dimensions',
      file('huge.zip', zipSync({ 'a/big.png': pngHeader(100_000, 100_000), 'b/ok.png': pngHeader(8, 8) }), 'application/zip'),
      /a\/big.png is 100000×100000 pixels/,
      10_000,
    ],
  ];
  for (const [what, f, message, budget] of cases) {
    const started = Date.now();
    await input.setInputFiles(f);
    await expect(error, what).toContainText(message, { timeout: budget });
    expect(Date.now() - started, what).toBeLessThan(budget);
    // Responsive: the page draws a frame at once.
    const t0 = Date.now();
    await page.evaluate(() => new Promise((r) => requestAnimationFrame(r)));
    expect(Date.now() - t0, `${what}: a frame while refused`).toBeLessThan(1000);
  }

  // A large valid file is cancelled mid-parse.
  await input.setInputFiles(
    file('big.csv', 'text,label\n' + Array.from({ length: 190_000 }, (_, i) => `row ${i} ${'y'.repeat(40)},${i % 3}`).join('\n')),
  );
  await expect(panel.getByTestId('import-progress')).toBeVisible();
  await panel.getByTestId('import-cancel').click();
  await expect(panel).toContainText('Import cancelled.');
  await expect(panel.getByTestId('data-preview')).toHaveCount(0);
});

function pngHeader(width: number, height: number): Uint8Array {
  const b = new Uint8Array(33);
  b.set([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52]);
  const v = new DataView(b.buffer);
  v.setUint32(16, width);
  v.setUint32(20, height);
  return b;
}
