/**
 * `npm run train` end to end: a CI-sized run on the CPU reference backend trains a quick
 * preset (MNIST at 7×7, softmax attention) to clearly better than chance (10%) and prints its
 * progress, evaluations and where it wrote its files; `--compare paper` trains the paper's
 * comparison in turn and prints its table.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, expect, it } from 'vitest';
import { importRun } from '../src/io/bundle';

const out = mkdtempSync(join(tmpdir(), 'train-cli-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

it('trains a quick preset from the command line to better than chance', async () => {
  const args = [
    'scripts/train.ts',
    '--preset',
    'quick-image-softmax',
    '--backend',
    'cpu',
    '--imageSize',
    '7',
    '--seqLen',
    '49',
    '--steps',
    '300',
    '--warmupSteps',
    '30',
    '--lr',
    '0.01',
    '--evalEvery',
    '100',
    '--evalSteps',
    '8',
    '--out',
    out,
    '--run-id',
    'cli',
  ];
  const { stdout } = await promisify(execFile)('scripts/run-ts.sh', args, { maxBuffer: 1 << 24 });
  expect(stdout).toMatch(/backend: CPU reference backend/);
  expect(stdout).toMatch(/300\/300 loss \d\.\d{4} acc/);
  // The test split is read at the best validation checkpoint, whichever step that was.
  const test = /test at step \d+: loss [\d.]+, accuracy ([\d.]+)%/.exec(stdout);
  expect(test, stdout.slice(-800)).not.toBeNull();
  expect(Number(test![1])).toBeGreaterThan(20); // chance is 10%
  const csv = readFileSync(join(out, 'cli', 'metrics.csv'), 'utf8')
    .trim()
    .split('\n');
  expect(csv[0]).toMatch(/^step,wallMs,taskLoss/);
  expect(csv.length).toBeGreaterThan(300);
  expect(existsSync(join(out, 'cli', 'latest.safetensors'))).toBe(true);
  expect(existsSync(join(out, 'cli', 'best.safetensors'))).toBe(true);
  // Both bundles, each saying which step it holds; the best one is the step the test split was evaluated on.
  const best = importRun(readFileSync(join(out, 'cli', 'bundle-best.zip')));
  const last = importRun(readFileSync(join(out, 'cli', 'bundle-last.zip')));
  expect(last.checkpoint).toEqual({ kind: 'last', step: 300 });
  expect(best.checkpoint?.kind).toBe('best');
  expect(stdout).toContain(`bundle (best validation, step ${best.checkpoint!.step})`);
  expect(existsSync(join(out, 'cli', 'bundle.zip'))).toBe(false);
}, 300_000);

it('--data FILE alone: prepares the CSV, trains a quick model on it above chance, writes the prepared file beside the run', async () => {
  let seed = 3;
  const r = () => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    return seed / 4294967296;
  };
  const words = ['apple', 'river', 'stone', 'cloud', 'paper', 'green', 'quiet', 'north'];
  const rows = Array.from({ length: 400 }, () => {
    const w = Array.from({ length: 6 }, () => words[Math.floor(r() * words.length)]);
    const pos = r() < 0.5;
    if (pos) w[Math.floor(r() * 6)] = 'zebra';
    return `"${w.join(' ')}",${pos ? 'yes' : 'no'}`;
  });
  const csv = join(out, 'zebra.csv');
  writeFileSync(csv, `text,label\n${rows.join('\n')}\n`);
  const dataOut = join(out, 'data-runs');
  const { stdout } = await promisify(execFile)(
    'scripts/run-ts.sh',
    ['scripts/train.ts', '--data', csv, '--backend', 'cpu', '--steps', '120', '--warmupSteps', '12', '--out', dataOut],
    { maxBuffer: 1 << 24 },
  );
  expect(stdout).toMatch(/dataset zebra \([0-9a-f]{16}\): text, 2 classes, \d+ distinct examples/);
  expect(stdout).toMatch(/classes: 0 = "no", 1 = "yes"/);
  const test = /test at step \d+: loss [\d.]+, accuracy ([\d.]+)%/.exec(stdout); // the best validation checkpoint
  expect(test, stdout.slice(-800)).not.toBeNull();
  expect(Number(test![1])).toBeGreaterThan(65); // chance ≈ 50%
  const [runId] = readdirSync(dataOut);
  expect(runId).toMatch(/^data-zebra-[0-9a-f]{8}-0$/);
  const config = JSON.parse(readFileSync(join(dataOut, runId, 'config.json'), 'utf8'));
  expect(config).toMatchObject({ task: 'custom', dataName: 'zebra', dataKind: 'text', numClasses: 2, vocabSize: 257 });
  const { createHash } = await import('node:crypto');
  expect(
    createHash('sha256')
      .update(readFileSync(join(dataOut, runId, 'dataset.pfdata')))
      .digest('hex')
      .slice(0, 16),
  ).toBe(config.dataId);
  expect(existsSync(join(dataOut, runId, 'bundle-best.zip'))).toBe(true);
}, 300_000);

it("--compare paper trains each variant of the paper's comparison in turn and prints and writes the table", async () => {
  const args = [
    'scripts/train.ts',
    '--compare',
    'paper',
    '--preset',
    'quick-listops-proxy',
    '--backend',
    'cpu',
    '--steps',
    '4',
    '--warmupSteps',
    '2',
    '--evalEvery',
    '4',
    '--evalSteps',
    '1',
    '--batchSize',
    '2',
    '--checkpointEvery',
    '0',
    '--initSeed',
    '3',
    '--out',
    out,
  ];
  const { stdout } = await promisify(execFile)('scripts/run-ts.sh', args, { maxBuffer: 1 << 24 });
  const table = stdout.slice(stdout.indexOf('| variant |'));
  const rows = table.split('\n').filter((l) => l.startsWith('| ') && !l.startsWith('| variant') && !l.startsWith('| ---'));
  expect(
    rows.map((r) => r.split(' | ')[0].slice(2)),
    stdout.slice(-1500),
  ).toEqual(['softmax', 'Reformer', 'BigBird', 'Linformer', 'Performer', 'Nyströmformer', 'Proxyformer']);
  for (const r of rows) expect(r).toMatch(/^\| [^|]+ \| finished \| 4 \| \d/);
  for (const v of ['softmax', 'reformer', 'bigbird', 'linformer', 'performer', 'nystrom', 'proxy']) {
    const config = JSON.parse(readFileSync(join(out, `paper-${v}-3`, 'config.json'), 'utf8'));
    expect([config.attention, config.initSeed, config.landmarks, config.linformerK, config.performerFeatures]).toEqual([v, 3, 16, 16, 16]);
  }
  expect(readFileSync(join(out, 'paper-3.md'), 'utf8')).toContain(rows[0]);
}, 300_000);
