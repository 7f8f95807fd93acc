/**
 * ONNX parity: every variant and every switch that changes the graph is exported with random
 * contract weights, run by onnxruntime-node (CPU execution provider), and compared with the
 * PyTorch reference (python -m proxyformer.parity, float64) on a batch with padding; every file
 * also passes Debian's onnx checker (full_check, shape inference included).
 * The tolerance and why: PARITY_TOLERANCE in testing/harness.ts.
 */
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { parameterShapes, type ExportConfig } from './config.ts';
import { exportOnnx } from './export.ts';
import type { Tensor } from '../safetensors.ts';
import { PARITY_TOLERANCE as TOLERANCE, onnxCheck, relativeError, runOrt, runPytorch, tinyConfig } from './testing/harness.ts';
import { randomWeights, randomBatch } from '../testing/random.ts';

const CASES: [string, Partial<ExportConfig>][] = [
  ['softmax, masked mean', { attention: 'softmax' }],
  ['softmax, mean-all pooling, two towers', { attention: 'softmax', pooling: 'mean-all', twoTower: true, layers: 1 }],
  ['nystrom, per-matrix init, conv', { attention: 'nystrom', pinvInit: 'per-matrix', convKernel: 3 }],
  ['nystrom, global init, no conv, m 8, n 32', { attention: 'nystrom', pinvInit: 'global', convKernel: 0, landmarks: 8, seqLen: 32 }],
  ['nystrom, mean-all pooling', { attention: 'nystrom', pooling: 'mean-all', layers: 1, convKernel: 5 }],
  ['proxy projected attend', { injection: 'attend' }],
  ['proxy projected mean', { injection: 'mean' }],
  ['proxy projected segment', { injection: 'segment' }],
  ['proxy projected none (cached Z)', { injection: 'none' }],
  ['proxy per-head attend', { proxyParam: 'per-head', injection: 'attend' }],
  ['proxy projected attend-centred', { injection: 'attend-centred' }],
  ['proxy per-head attend-centred', { proxyParam: 'per-head', injection: 'attend-centred' }],
  ['proxy per-head mean', { proxyParam: 'per-head', injection: 'mean' }],
  ['proxy per-head segment', { proxyParam: 'per-head', injection: 'segment' }],
  ['proxy per-head none (cached Z), global init', { proxyParam: 'per-head', injection: 'none', pinvInit: 'global' }],
  ['proxy global init, no conv, n 18 not a multiple of m 4', { pinvInit: 'global', convKernel: 0, seqLen: 18 }],
  ['proxy two towers, mean-all pooling', { twoTower: true, pooling: 'mean-all', layers: 1 }],
  ['linformer, shared E', { attention: 'linformer' }],
  [
    'linformer, per-layer E, k 16 = n, mean-all pooling',
    { attention: 'linformer', linformerSharing: 'per-layer', linformerK: 16, pooling: 'mean-all' },
  ],
  ['linformer two towers', { attention: 'linformer', twoTower: true, layers: 1 }],
  ['performer, relu kernel', { attention: 'performer', performerKernel: 'relu' }],
  ['performer, softmax kernel', { attention: 'performer', performerKernel: 'softmax' }],
  [
    'performer, softmax kernel, 5 features < d_h, two towers',
    { attention: 'performer', performerKernel: 'softmax', performerFeatures: 5, twoTower: true, layers: 1 },
  ],
  ['linear', { attention: 'linear' }],
  ['linear, mean-all pooling, n 18', { attention: 'linear', pooling: 'mean-all', seqLen: 18 }],
  // Reformer: 8 buckets for 16 tokens (chunks of 4) put several tokens in a bucket in every row.
  ['reformer, 2 rounds, 8 chunks of 4', { attention: 'reformer', reformerHashes: 2, reformerChunk: 4 }],
  ['reformer, 1 round, one chunk (c = n)', { attention: 'reformer', reformerHashes: 1, reformerChunk: 16 }],
  ['reformer, 2 rounds, c = n, mean-all pooling', { attention: 'reformer', reformerHashes: 2, reformerChunk: 16, pooling: 'mean-all' }],
  ['reformer, 3 rounds, chunks of 8, n 32', { attention: 'reformer', reformerHashes: 3, reformerChunk: 8, seqLen: 32 }],
  [
    'reformer, 1 round, chunks of 2, two towers, mean-all pooling',
    { attention: 'reformer', reformerHashes: 1, reformerChunk: 2, twoTower: true, layers: 1, pooling: 'mean-all' },
  ],
  // BigBird: nb = n / b blocks; random blocks exist only for nb ≥ 6 (block 1 has blocks 3 … nb − 2 to draw from).
  ['bigbird, b 4, r 3, n 32 (8 blocks)', { attention: 'bigbird', seqLen: 32, bigbirdBlock: 4, bigbirdRandom: 3 }],
  [
    'bigbird, b 2, r 1, n 18, mean-all pooling',
    { attention: 'bigbird', seqLen: 18, bigbirdBlock: 2, bigbirdRandom: 1, pooling: 'mean-all' },
  ],
  ['bigbird, b 4, r 5 > free blocks (−1 slots), n 24', { attention: 'bigbird', seqLen: 24, bigbirdBlock: 4, bigbirdRandom: 5 }],
  ['bigbird, r 0 (window and globals only), n 16', { attention: 'bigbird', bigbirdBlock: 4, bigbirdRandom: 0 }],
  ['bigbird, 3 blocks (no random block free), n 12', { attention: 'bigbird', seqLen: 12, bigbirdBlock: 4, bigbirdRandom: 2 }],
  ['bigbird, 2 blocks (exact softmax), n 16', { attention: 'bigbird', bigbirdBlock: 8, bigbirdRandom: 3 }],
  [
    'bigbird two towers, b 3, r 2, n 24',
    { attention: 'bigbird', seqLen: 24, bigbirdBlock: 3, bigbirdRandom: 2, twoTower: true, layers: 1 },
  ],
];

/** The attention outputs of a variant (export.ts) and the reference's view each is compared with. */
function viewNames(c: ExportConfig): string[] {
  if (c.attention === 'softmax' || c.attention === 'performer' || c.attention === 'linear') return ['attention'];
  if (c.attention === 'linformer') return ['attention_projected'];
  if (c.attention === 'reformer') return ['lsh_buckets', 'attention_implied'];
  if (c.attention === 'bigbird') return ['attention', 'block_pattern'];
  return ['K1', 'K2', 'Z', 'K3'];
}

/**
 * The reference's view `name` of layer i; for BigBird's `attention` the reference's
 * `attention_implied`; for Performer and linear attention the implied matrix, rows of φ(q)φ(k)ᵀ
 * divided by their sums, from the features the reference returns.
 */
function referenceView(ref: Map<string, Tensor>, c: ExportConfig, i: number, name: string): Float64Array {
  if (c.attention === 'bigbird')
    return ref.get(`view.layers.${i}.${name === 'attention' ? 'attention_implied' : name}`)!.data as Float64Array;
  if (name !== 'attention' || c.attention === 'softmax') return ref.get(`view.layers.${i}.${name}`)!.data as Float64Array;
  const q = ref.get(`view.layers.${i}.Q_features`)!,
    k = ref.get(`view.layers.${i}.K_features`)!;
  const [b, h, n, f] = q.shape;
  const out = new Float64Array(b * h * n * n);
  for (let s = 0; s < b * h; s++) {
    for (let r = 0; r < n; r++) {
      const row = out.subarray((s * n + r) * n, (s * n + r + 1) * n);
      for (let j = 0; j < n; j++) for (let t = 0; t < f; t++) row[j] += q.data[(s * n + r) * f + t] * k.data[(s * n + j) * f + t];
      const total = row.reduce((x, y) => x + y, 0);
      for (let j = 0; j < n; j++) row[j] /= total;
    }
  }
  return out;
}

/** Rows (sample, head, round) of lsh_buckets [B, H, r, n] where two valid tokens share a bucket: the sort's ties, broken by position. */
function bucketTies(buckets: ort.Tensor, mask: Float32Array): number {
  const [b, h, r, n] = buckets.dims as number[];
  const data = buckets.data as Float32Array;
  let ties = 0;
  for (let row = 0; row < b * h * r; row++) {
    const sample = Math.floor(row / (h * r));
    const valid = Array.from({ length: n }, (_, t) => t).filter((t) => mask[sample * n + t] > 0);
    if (new Set(valid.map((t) => data[row * n + t])).size < valid.length) ties++;
  }
  return ties;
}

/** Valid lengths per sample: one full, the others padded. */
function lengthsFor(c: ExportConfig): number[] {
  return [c.seqLen, c.seqLen - 5, Math.ceil(c.seqLen / 2)];
}

describe('exportOnnx parity with the PyTorch reference (onnxruntime-node, CPU)', () => {
  it('runs on onnxruntime-node 1.30 with the CPU execution provider', () => {
    expect(ort.env.versions.node).toBe('1.30.0');
    expect(ort.listSupportedBackends().map((b) => b.name)).toContain('cpu');
  });

  for (const [title, over] of CASES) {
    it(title, async () => {
      const c = tinyConfig(over);
      const weights = randomWeights(parameterShapes(c));
      const batch = randomBatch(c, c.seqLen, lengthsFor(c));
      const model = exportOnnx(c, weights, { attentionOutputs: true });
      onnxCheck(model);
      const ours = await runOrt(model, c, batch);
      const ref = runPytorch(c, weights, batch, true);
      const logits = ours.logits;
      expect(logits.dims).toEqual([batch.batch, c.numClasses]);
      const errors: Record<string, number> = { logits: relativeError(logits.data as Float32Array, ref.get('logits')!.data) };
      const names = viewNames(c);
      for (let i = 0; i < c.layers; i++) {
        for (const name of names) {
          const view = ours[`layers.${i}.${name}`];
          const want = { data: referenceView(ref, c, i, name) };
          // With injection 'none' the reference keeps K2 and Z as [1, H, m, m]; ours are broadcast over the batch.
          const repeats = view.data.length / want.data.length;
          const wanted = Float64Array.from({ length: view.data.length }, (_, j) => want.data[j % want.data.length]);
          expect(Number.isInteger(repeats)).toBe(true);
          errors[`layers.${i}.${name}`] = relativeError(view.data as Float32Array, wanted);
        }
      }
      if (c.twoTower) expect(Object.keys(ours)).toContain(`layers.0.${names[0]}@2`);
      if (c.attention === 'reformer') expect(bucketTies(ours['layers.0.lsh_buckets'], batch.mask)).toBeGreaterThan(0);
      console.log(
        `${title}: ${Object.entries(errors)
          .map(([k, v]) => `${k} ${v.toExponential(1)}`)
          .join(', ')}`,
      );
      for (const [name, err] of Object.entries(errors)) expect(err, name).toBeLessThan(TOLERANCE);
    });
  }

  it('gives the same logits with and without the attention outputs', async () => {
    const c = tinyConfig({ injection: 'segment', proxyParam: 'per-head' });
    const weights = randomWeights(parameterShapes(c), 3);
    const batch = randomBatch(c, c.seqLen, [16, 9]);
    const withViews = await runOrt(exportOnnx(c, weights, { attentionOutputs: true }), c, batch);
    const plain = await runOrt(exportOnnx(c, weights), c, batch);
    expect(Object.keys(plain)).toEqual(['logits']);
    expect(Array.from(plain.logits.data as Float32Array)).toEqual(Array.from(withViews.logits.data as Float32Array));
  });
});
