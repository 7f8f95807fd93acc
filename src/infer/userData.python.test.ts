/**
 * User datasets between TypeScript and the PyTorch reference (python/proxyformer/user_data.py):
 * the reader agrees with the writer on a committed fixture, and a model trained here on a
 * prepared dataset gives PyTorch the engine's logits on the same examples of the same file.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { CpuBackend } from '../engine';
import { engineLogits } from './engineLogits';
import { writeBundle } from '../io/bundle';
import { readSafetensors } from '../io/safetensors';
import { defaultConfig, validateConfig } from '../config';
import { quickDataConfig } from '../presets/userData';
import { readTrainerState } from '../train/checkpoint';
import { Trainer } from '../train/trainer';
import { datasetKeys, MissingDatasetError, userDataTask } from '../train/userDataTask';
import { packBatch, SPLITS } from '../data/task';
import { datasetId, decodeDataset, DEFAULT_LIMITS, encodeDataset, importTextFile, SPLIT_CODE } from '../data/userData';

const PYTHON = '/usr/bin/python3';
const PYTHON_DIR = fileURLToPath(new URL('../../python', import.meta.url));
const FIXTURE = join(PYTHON_DIR, 'tests', 'data', 'user_data_pairs.pfdata');
const dir = mkdtempSync(join(tmpdir(), 'user-data-python-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const env = { ...process.env, PYTHONPATH: PYTHON_DIR, OMP_NUM_THREADS: '1' };
const enc = new TextEncoder();

/** The fixture's source: pairs (query, document), label 1 when the document answers the query's topic. Also in python/tests/test_user_data.py. */
function fixtureJsonl(): string {
  const topics = ['zebra', 'otter', 'quokka', 'ibis', 'lynx', 'tapir'];
  const lines: string[] = [];
  for (let i = 0; i < 60; i++) {
    const t = topics[i % 6];
    const other = topics[(i + 1 + (i % 5)) % 6];
    lines.push(
      JSON.stringify({ text1: `where does the ${t} live? #${i}`, text2: `the ${i % 2 ? t : other} lives far away — ü${i}`, label: i % 2 }),
    );
  }
  return lines.join('\n') + '\n';
}

/** A learnable text dataset: label yes when the text holds "zebra". */
function keywordCsv(rows: number): string {
  const words = ['apple', 'river', 'stone', 'cloud', 'paper', 'green', 'quiet', 'north', 'light', 'table'];
  let seed = 7;
  const r = () => {
    seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
    return seed / 4294967296;
  };
  let s = 'text,label\n';
  for (let i = 0; i < rows; i++) {
    const w = Array.from({ length: 6 }, () => words[Math.floor(r() * words.length)]);
    const pos = r() < 0.5;
    if (pos) w[Math.floor(r() * 6)] = 'zebra';
    s += `${w.join(' ')},${pos ? 'yes' : 'no'}\n`;
  }
  return s;
}

describe('user datasets with the PyTorch reference', () => {
  it('the committed fixture is what the writer makes now, and Python reads it (python/tests/test_user_data.py)', () => {
    const ds = importTextFile(
      'pairs.jsonl',
      enc.encode(fixtureJsonl()),
      { kind: 'pairs', seqLen: 24, splitSeed: 3, validationPercent: 20, testPercent: 20 },
      DEFAULT_LIMITS,
    );
    const file = encodeDataset(ds);
    if (process.env.UPDATE_FIXTURES === '1' || !existsSync(FIXTURE)) writeFileSync(FIXTURE, file);
    expect(Buffer.from(readFileSync(FIXTURE)).equals(Buffer.from(file))).toBe(true);
    const out = execFileSync(PYTHON, ['-m', 'unittest', 'python/tests/test_user_data.py'], {
      env,
      cwd: join(PYTHON_DIR, '..'),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    expect(out).toBeDefined();
  });

  it('a model trained on a prepared dataset: PyTorch reproduces the engine logits from the same file', async () => {
    const ds = importTextFile(
      'keyword.csv',
      enc.encode(keywordCsv(480)),
      { kind: 'text', seqLen: 64, splitSeed: 0, validationPercent: 10, testPercent: 10 },
      DEFAULT_LIMITS,
    );
    const file = encodeDataset(ds);
    const id = await datasetId(file);
    const checked = validateConfig({
      ...defaultConfig('custom', 'proxy'),
      ...quickDataConfig(decodeDataset(file).header),
      ...datasetKeys(id, file),
      steps: 120,
      warmupSteps: 12,
    });
    expect(checked.issues.filter((i) => i.severity === 'error')).toEqual([]);
    const config = checked.config;
    expect(config.seqLen).toBe(48); // the longest text (6 words of 5 letters, 35 bytes) rounded up to 16 landmarks

    // The store must hold the dataset; a missing one says so (the page then offers the import).
    await expect(userDataTask(config, { get: async () => undefined })).rejects.toBeInstanceOf(MissingDatasetError);
    await expect(userDataTask({ ...config, dataTrain: config.dataTrain + 1 }, { get: async () => file })).rejects.toThrow(
      /train\/validation\/test sizes are .* the config recorded/,
    );
    const task = await userDataTask(config, { get: async () => file });

    const trainer = new Trainer(new CpuBackend('f32'), config, task);
    for (let s = 0; s < config.steps; s++) {
      trainer.trainStep();
      if (s % 20 === 19) await trainer.readPending();
    }
    await trainer.readPending();
    const val = await trainer.evaluate('validation');
    expect(val.accuracy).toBeGreaterThan(0.7); // chance ≈ 0.5: the keyword is learnable
    const weights = new Map((await readTrainerState(trainer)).weights.map((w) => [w.name, w.data]));
    trainer.dispose();

    const bundle = join(dir, 'bundle.zip');
    const data = join(dir, 'dataset.pfdata');
    writeFileSync(bundle, writeBundle({ config, weights }));
    writeFileSync(data, file);
    const count = 12;
    const out = join(dir, 'logits.safetensors');
    const stdout = execFileSync(
      PYTHON,
      [
        '-m',
        'proxyformer.user_data',
        '--data',
        data,
        '--bundle',
        bundle,
        '--split',
        'validation',
        '--count',
        String(count),
        '--out',
        out,
        '--float64',
      ],
      { env, stdio: ['ignore', 'pipe', 'pipe'] },
    ).toString();
    const report = JSON.parse(stdout);
    expect(report).toMatchObject({ id, name: 'keyword', split: 'validation', examples: count });
    const torch = readSafetensors(readFileSync(out)).tensors.get('logits')!;
    expect(torch.shape).toEqual([count, 2]);

    // The engine on the same examples: the first `count` of the validation split in file order.
    const d = decodeDataset(file);
    const items: number[] = [];
    for (let i = 0; i < d.header.count && items.length < count; i++) if (d.split[i] === SPLIT_CODE.validation) items.push(i);
    const batch = packBatch(
      items.map((i) => ({
        tokens: Int32Array.from(d.bytes[0].subarray(d.offsets[0][i], d.offsets[0][i + 1]), (b) => b + 1),
        label: d.labels[i],
      })),
      config.seqLen,
      false,
    );
    const ts = await engineLogits(new CpuBackend('f32'), config, weights, { batch: count, tokens: batch.tokens, mask: batch.mask });
    let err = 0,
      scale = 0;
    for (let i = 0; i < ts.length; i++) {
      err = Math.max(err, Math.abs(ts[i] - torch.data[i]));
      scale = Math.max(scale, Math.abs(torch.data[i]));
    }
    // As in bundle.python.test.ts: float32 engine vs float64 reference; a wrong token offset or weight moves logits by far more.
    expect(err / scale).toBeLessThan(2e-6);
    for (const s of SPLITS) expect(task.splitSizes[s]).toBe(d.header.sizes[s]);
  }, 300_000);
});
