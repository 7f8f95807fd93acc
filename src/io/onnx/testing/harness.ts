/**
 * Node-only test helpers for the ONNX export: random contract weights and batches, the PyTorch
 * parity CLI (float64 reference), onnxruntime-node on CPU, and Debian's onnx checker.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { isStateName, parameterShapes, type ExportConfig } from '../config.ts';
import { readSafetensors, writeSafetensors, type Tensor } from '../../safetensors.ts';

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
    attention: 'proxy', layers: 2, dModel: 16, heads: 2, ffn: 24, vocabSize: 11, numClasses: 3, seqLen: 16,
    twoTower: false, pooling: 'masked-mean', landmarks: 4, pinvIterations: 6, pinvInit: 'per-matrix',
    convKernel: 3, proxyParam: 'projected', injection: 'attend', linformerK: 5, linformerSharing: 'shared', performerFeatures: 12,
    performerKernel: 'relu', ...over,
  };
}

/** Seeded uniform [0, 1) (mulberry32). */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Random weights under the contract's names: Linear and conv weights U(±1/√fan_in) as PyTorch's
 * init, biases and LayerNorm shifts ±0.1, LayerNorm gains 1 ± 0.1, embeddings and proxies
 * U(±1) so that K2 is far from uniform (a near-uniform K2 would hide transposition bugs),
 * Linformer's E U(±1/√n) (each projected key a mix of n keys of unit scale), Performer's features
 * N(0, 1)-sized U(±√3) rows as the Gaussian draw (W need not be orthogonal for parity).
 */
export function randomWeights(c: ExportConfig, seed = 1): Map<string, Float32Array> {
  const next = rng(seed);
  const sym = (bound: number) => (2 * next() - 1) * bound;
  const out = new Map<string, Float32Array>();
  for (const [name, shape] of parameterShapes(c)) {
    const count = shape.reduce((a, b) => a * b, 1);
    const isNorm = /norm\d?\.(weight|bias)$/.test(name);
    const fill = (): number => {
      if (isNorm) return name.endsWith('weight') ? 1 + sym(0.1) : sym(0.1);
      if (name.endsWith('.bias')) return sym(0.1);
      if (name.startsWith('embed.') || /proxies|proxy_[qk]/.test(name)) return sym(1);
      if (isStateName(name)) return sym(Math.sqrt(3));
      return sym(1 / Math.sqrt(shape[shape.length - 1]));
    };
    out.set(name, Float32Array.from({ length: count }, fill));
  }
  return out;
}

export interface Batch { tokens: Int32Array; mask: Float32Array; tokens2?: Int32Array; mask2?: Float32Array; batch: number }

/** A batch whose samples have `lengths[b]` valid tokens, then padding (id 0, mask 0). */
export function randomBatch(c: ExportConfig, lengths: number[], seed = 7): Batch {
  const next = rng(seed);
  const n = c.seqLen;
  const one = () => {
    const tokens = new Int32Array(lengths.length * n);
    const mask = new Float32Array(lengths.length * n);
    lengths.forEach((len, b) => {
      for (let i = 0; i < len; i++) {
        tokens[b * n + i] = 1 + Math.floor(next() * (c.vocabSize - 1));
        mask[b * n + i] = 1;
      }
    });
    return { tokens, mask };
  };
  const first = one();
  const second = c.twoTower ? one() : undefined;
  return { ...first, tokens2: second?.tokens, mask2: second?.mask, batch: lengths.length };
}

/** The PyTorch reference (python -m proxyformer.parity, float64): logits and, with views, view.layers.<i>.<name>. */
export function runPytorch(c: ExportConfig, weights: Map<string, Float32Array>, b: Batch, views = false): Map<string, Tensor> {
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
      labels: { dtype: 'I32', shape: [b.batch], data: new Int32Array(b.batch) },
    };
    if (b.tokens2 && b.mask2) {
      batch.tokens2 = { dtype: 'I32', shape: [b.batch, n], data: b.tokens2 };
      batch.mask2 = { dtype: 'F32', shape: [b.batch, n], data: b.mask2 };
    }
    writeFileSync(join(dir, 'batch.safetensors'), writeSafetensors(batch));
    execFileSync(PYTHON, ['-m', 'proxyformer.parity', '--dir', dir, ...(views ? ['--views'] : [])], {
      env: { ...process.env, PYTHONPATH: 'python' }, stdio: ['ignore', 'pipe', 'pipe'],
    });
    return readSafetensors(readFileSync(join(dir, 'out.safetensors'))).tensors;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Runs the exported model in onnxruntime-node with the CPU execution provider only. */
export async function runOrt(model: Uint8Array, c: ExportConfig, b: Batch): Promise<Record<string, ort.Tensor>> {
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
  let err = 0, scale = 0;
  for (let i = 0; i < a.length; i++) {
    err = Math.max(err, Math.abs(a[i] - b[i]));
    scale = Math.max(scale, Math.abs(b[i]));
  }
  return err / scale;
}
