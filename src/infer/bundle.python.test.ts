/**
 * Bundles between TypeScript and the PyTorch reference (python/proxyformer/bundle.py):
 * a TypeScript-written bundle gives PyTorch the engine's logits, and a two-process
 * DistributedDataParallel run (gloo, environment-variable launch) continues it into a bundle
 * that imports back here.
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { CpuBackend } from '../engine';
import type { RunConfig } from '../config';
import { engineLogits, type InferenceBatch } from './engineLogits';
import { readSafetensors, writeSafetensors, type Tensor } from '../io/safetensors';
import { readBundle, writeBundle } from '../io/bundle';
import { sampleMetrics, sampleOptimizer, tinyRunConfig } from '../io/bundle/testing/fixtures';
import { onnxUnsupported, parameterShapes } from '../io/onnx/config';
import { randomBatch, randomWeights } from '../io/testing/random';
import { uniformStream } from '../engine/cpu/random';

const PYTHON = '/usr/bin/python3';
const PYTHON_DIR = fileURLToPath(new URL('../../python', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'bundle-python-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const env = { ...process.env, PYTHONPATH: PYTHON_DIR, OMP_NUM_THREADS: '1' };

/**
 * Tolerance on max|TS − torch| / max|torch|: the engine's CPU backend runs in float32, the
 * reference in float64 (--float64). Measured on these configs: 3.6e-8 (nystrom), 5.7e-8
 * (proxy), 7.0e-8 (softmax), 3.7e-8 (linformer), 7.0e-8 (performer), 4.4e-8 (linear), 6.4e-8 (reformer); 2e-6
 * leaves a ~30× margin, and a wrong weight (a transposed or mis-named tensor) moves the logits by
 * orders of magnitude more.
 */
const TOLERANCE = 2e-6;

function batchTensors(c: RunConfig, b: InferenceBatch, lead: number[] = [b.batch]): Record<string, Tensor> {
  const shape = [...lead, c.seqLen];
  const out: Record<string, Tensor> = { tokens: { dtype: 'I32', shape, data: b.tokens }, mask: { dtype: 'F32', shape, data: b.mask } };
  if (b.tokens2 && b.mask2) {
    out.tokens2 = { dtype: 'I32', shape, data: b.tokens2 };
    out.mask2 = { dtype: 'F32', shape, data: b.mask2 };
  }
  return out;
}

function relativeError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let err = 0,
    scale = 0;
  for (let i = 0; i < a.length; i++) {
    err = Math.max(err, Math.abs(a[i] - b[i]));
    scale = Math.max(scale, Math.abs(b[i]));
  }
  return err / scale;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as { port: number }).port;
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

function run(args: string[], extraEnv: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const p = spawn(PYTHON, args, { env: { ...env, ...extraEnv } });
    let stdout = '',
      stderr = '';
    p.stdout.on('data', (d) => (stdout += d));
    p.stderr.on('data', (d) => (stderr += d));
    p.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('bundles with the PyTorch reference', () => {
  const cases: [string, RunConfig][] = [
    ['proxy, listops', tinyRunConfig({ layers: 2 })],
    [
      'softmax, retrieval (two towers)',
      tinyRunConfig({ task: 'retrieval', attention: 'softmax', vocabSize: 257, numClasses: 2, twoTower: true }),
    ],
    [
      'nystrom, text, mean-all pooling',
      tinyRunConfig({ task: 'text', attention: 'nystrom', vocabSize: 257, numClasses: 2, pooling: 'mean-all' }),
    ],
    ['linformer, shared E', tinyRunConfig({ attention: 'linformer', linformerK: 5, layers: 2 })],
    [
      'performer, softmax kernel (features from the bundle)',
      tinyRunConfig({ attention: 'performer', performerFeatures: 6, performerKernel: 'softmax', layers: 2 }),
    ],
    ['linear', tinyRunConfig({ attention: 'linear', layers: 2 })],
    // The evaluation rotations are state: random values PyTorch could only get from the bundle.
    ['reformer, 2 rounds, chunks of 4 (rotations from the bundle)', tinyRunConfig({ attention: 'reformer', reformerChunk: 4, layers: 2 })],
  ];
  it.each(cases)('a TypeScript bundle gives PyTorch the engine logits (%s)', async (_, config) => {
    const weights = randomWeights(parameterShapes(config), 3);
    const bundle = join(dir, `logits-${config.attention}.zip`);
    // Performer's features are state, not a parameter: seededWeights gives them values the model
    // would never draw, so PyTorch agreeing proves it used the bundle's, not its own draw.
    writeFileSync(bundle, writeBundle({ config, weights, metrics: sampleMetrics() }, { onnx: onnxUnsupported(config) === null }));
    const batch = randomBatch(config, config.seqLen, [config.seqLen, 5, 1], 9);
    const batchFile = join(dir, `batch-${config.attention}.safetensors`);
    writeFileSync(batchFile, writeSafetensors(batchTensors(config, batch)));
    const out = join(dir, `out-${config.attention}.safetensors`);
    execFileSync(PYTHON, ['-m', 'proxyformer.bundle_logits', '--bundle', bundle, '--batch', batchFile, '--out', out, '--float64'], {
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const torch = readSafetensors(readFileSync(out)).tensors.get('logits')!;
    expect(torch.shape).toEqual([3, config.numClasses]);
    const ts = await engineLogits(new CpuBackend('f32'), config, readBundle(readFileSync(bundle)).weights, batch);
    const err = relativeError(ts, torch.data);
    console.log(`bundle logits ${_}: TypeScript vs PyTorch ${err.toExponential(1)}`);
    expect(err).toBeLessThan(TOLERANCE);
  });

  it('two DDP processes (gloo) continue a TypeScript bundle, and their bundle imports back with changed weights', async () => {
    const config = tinyRunConfig({ dropout: 0, attentionDropout: 0, decomposedDropoutRate: 0, gradClip: 1 });
    const weights = randomWeights(parameterShapes(config), 5);
    const source = join(dir, 'ddp-in.zip');
    writeFileSync(source, writeBundle({ config, weights, metrics: sampleMetrics(4), optimizer: sampleOptimizer(config) }, { onnx: true }));
    const steps = 3,
      size = 4;
    const batches = Array.from({ length: steps }, (_, s) => randomBatch(config, config.seqLen, [16, 9, 12, 5], 100 + s));
    const stacked = batchTensors(
      config,
      {
        batch: size,
        tokens: Int32Array.from(batches.flatMap((b) => [...b.tokens])),
        mask: Float32Array.from(batches.flatMap((b) => [...b.mask])),
      },
      [steps, size],
    );
    const next = uniformStream(77);
    stacked.labels = {
      dtype: 'I32',
      shape: [steps, size],
      data: Int32Array.from({ length: steps * size }, () => Math.floor(next() * config.numClasses)),
    };
    const batchFile = join(dir, 'ddp-batches.safetensors');
    writeFileSync(batchFile, writeSafetensors(stacked));
    const output = join(dir, 'ddp-out.zip');
    const port = String(await freePort());
    const args = ['-m', 'proxyformer.train_ddp', '--bundle', source, '--batches', batchFile, '--out', output, '--lr', '0.01'];
    const results = await Promise.all(
      [0, 1].map((rank) => run(args, { MASTER_ADDR: '127.0.0.1', MASTER_PORT: port, WORLD_SIZE: '2', RANK: String(rank) })),
    );
    for (const r of results) expect(r.code, r.stderr).toBe(0);
    expect(results[0].stdout).toMatch(/2 process\(es\), 3 steps/);
    expect(results[0].stdout).toMatch(/dropped stale .*model.onnx/);

    const back = readBundle(readFileSync(output));
    expect(back.config).toEqual(config);
    expect(back.optimizer).toBeNull(); // stale after training: the PyTorch side restarts AdamW and drops it
    expect(back.onnx).toBeNull();
    let moved = 0;
    for (const [name, w] of weights) {
      const now = back.weights.get(name)!;
      for (let i = 0; i < w.length; i++) moved = Math.max(moved, Math.abs(now[i] - w[i]));
    }
    expect(moved).toBeGreaterThan(1e-3);
    // The metrics continue the TypeScript run's steps (1–4) with one row per PyTorch step.
    expect([...back.metrics!.column('step')]).toEqual([1, 2, 3, 4, 5, 6, 7]);
    const losses = back.metrics!.column('loss').slice(4);
    expect(losses.every((l) => Number.isFinite(l) && l > 0)).toBe(true);
  });
});
