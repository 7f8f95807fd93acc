/**
 * `npm run train` end to end: a CI-sized run on the CPU reference backend trains a quick
 * preset (MNIST at 7×7, softmax attention) to clearly better than chance (10%) and prints its
 * progress, evaluations and where it wrote its files.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, expect, it } from 'vitest';

const out = mkdtempSync(join(tmpdir(), 'train-cli-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

it('trains a quick preset from the command line to better than chance', async () => {
  const args = ['scripts/train.ts', '--preset', 'quick-image-softmax', '--backend', 'cpu', '--imageSize', '7', '--seqLen', '49',
    '--steps', '300', '--warmupSteps', '30', '--lr', '0.01', '--evalEvery', '100', '--evalSteps', '8', '--out', out, '--run-id', 'cli'];
  const { stdout } = await promisify(execFile)('scripts/run-ts.sh', args, { maxBuffer: 1 << 24 });
  expect(stdout).toMatch(/backend: CPU reference backend/);
  expect(stdout).toMatch(/300\/300 loss \d\.\d{4} acc/);
  const test = /test at step 300: loss [\d.]+, accuracy ([\d.]+)%/.exec(stdout);
  expect(test, stdout.slice(-800)).not.toBeNull();
  expect(Number(test![1])).toBeGreaterThan(20); // chance is 10%
  const csv = readFileSync(join(out, 'cli', 'metrics.csv'), 'utf8').trim().split('\n');
  expect(csv[0]).toMatch(/^step,wallMs,taskLoss/);
  expect(csv.length).toBeGreaterThan(300);
  expect(existsSync(join(out, 'cli', 'latest.safetensors'))).toBe(true);
  expect(existsSync(join(out, 'cli', 'best.safetensors'))).toBe(true);
}, 300_000);
