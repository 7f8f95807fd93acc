/**
 * Node-only test helpers for the ONNX export (random weights and batches: ../../testing/random.ts): the PyTorch
 * parity CLI (float64 reference), onnxruntime-node on CPU, and Debian's onnx checker.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { parameterShapes, type ExportConfig } from '../config.ts';
import { readSafetensors, writeSafetensors, type Tensor } from '../../safetensors.ts';
import type { RandomBatch } from '../../testing/random.ts';

const PYTHON = '/usr/bin/python3';

/**
 * Parity tolerance on max|ORT − torch| / max|torch| for logits and attention factors. ORT runs
 * in float32 (ε ≈ 6e-8), the reference in float64. Two layers of LayerNorm, softmax and matmuls
 * cost a few ε·√d each, and the unrolled pseudo-inverse multiplies K2 by Z about 18 times,
 * amplifying rounding by roughly K2's condition number. Measured on the tiny configs: logits
 * ≤ 3e-7, K1/K2/K3 ≤ 3e-7, Z ≤ 1.3e-6; a transposed K2 moves the logits by ~6e-3
 * (onnxBroken.test.ts). 2e-5 leaves a 15× margin over the worst measured error.
 */
export const PARITY_TOLERANCE = 2e-5;

/** A tiny config with every key the exporter reads (tests override what they vary). */
export function tinyConfig(over: Partial<ExportConfig>): ExportConfig {
  return {
    attention: 'proxy',
    layers: 2,
    dModel: 16,
    heads: 2,
    ffn: 24,
    vocabSize: 11,
    numClasses: 3,
    seqLen: 16,
    twoTower: false,
    pooling: 'masked-mean',
    landmarks: 4,
    pinvIterations: 6,
    pinvInit: 'per-matrix',
    convKernel: 3,
    proxyParam: 'projected',
    injection: 'attend',
    linformerK: 5,
    linformerSharing: 'shared',
    performerFeatures: 12,
    performerKernel: 'relu',
    bigbirdBlock: 4,
    bigbirdRandom: 3,
    reformerHashes: 2,
    reformerChunk: 4,
    ...over,
  };
}

/** The PyTorch reference (python -m proxyformer.parity, float64): logits and, with views, view.layers.<i>.<name>. */
export function runPytorch(c: ExportConfig, weights: Map<string, Float32Array>, b: RandomBatch, views = false): Map<string, Tensor> {
  const dir = mkdtempSync(join(tmpdir(), 'onnx-parity-'));
  try {
    writeFileSync(join(dir, 'config.json'), JSON.stringify(c));
    const w: Record<string, Tensor> = {};
    const shapes = parameterShapes(c);
    for (const [name, data] of weights) w[name] = { dtype: 'F32', shape: shapes.get(name)!, data };
    writeFileSync(join(dir, 'weights.safetensors'), writeSafetensors(w));
    const n = c.seqLen;
    const batch: Record<string, Tensor> = {
      tokens: { dtype: 'I32', shape: [b.batch, n], data: b.tokens },
      mask: { dtype: 'F32', shape: [b.batch, n], data: b.mask },
      labels: { dtype: 'I32', shape: [b.batch], data: b.labels },
    };
    if (b.tokens2 && b.mask2) {
      batch.tokens2 = { dtype: 'I32', shape: [b.batch, n], data: b.tokens2 };
      batch.mask2 = { dtype: 'F32', shape: [b.batch, n], data: b.mask2 };
    }
    writeFileSync(join(dir, 'batch.safetensors'), writeSafetensors(batch));
    execFileSync(PYTHON, ['-m', 'proxyformer.parity', '--dir', dir, ...(views ? ['--views'] : [])], {
      env: { ...process.env, PYTHONPATH: 'python' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    return readSafetensors(readFileSync(join(dir, 'out.safetensors'))).tensors;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Runs the exported model in onnxruntime-node with the CPU execution provider only. */
export async function runOrt(model: Uint8Array, c: ExportConfig, b: RandomBatch): Promise<Record<string, ort.Tensor>> {
  const session = await ort.InferenceSession.create(model, { executionProviders: ['cpu'] });
  const n = c.seqLen;
  const feeds: Record<string, ort.Tensor> = {
    tokens: new ort.Tensor('int32', b.tokens, [b.batch, n]),
    mask: new ort.Tensor('float32', b.mask, [b.batch, n]),
  };
  if (b.tokens2 && b.mask2) {
    feeds.tokens2 = new ort.Tensor('int32', b.tokens2, [b.batch, n]);
    feeds.mask2 = new ort.Tensor('float32', b.mask2, [b.batch, n]);
  }
  try {
    return await session.run(feeds);
  } finally {
    await session.release();
  }
}

/** Runs onnx.checker.check_model (full_check: with shape inference) from Debian's python3-onnx; throws its message. */
export function onnxCheck(model: Uint8Array): void {
  const dir = mkdtempSync(join(tmpdir(), 'onnx-check-'));
  try {
    const file = join(dir, 'model.onnx');
    writeFileSync(file, model);
    execFileSync(PYTHON, ['-c', 'import sys, onnx; onnx.checker.check_model(onnx.load(sys.argv[1]), full_check=True)', file], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** max |a − b| / max |b|: the error relative to the reference's scale. */
export function relativeError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`length ${a.length} vs ${b.length}`);
  let err = 0,
    scale = 0;
  for (let i = 0; i < a.length; i++) {
    err = Math.max(err, Math.abs(a[i] - b[i]));
    scale = Math.max(scale, Math.abs(b[i]));
  }
  return err / scale;
}
