/**
 * What a training step of a config will hold in memory, before anything is allocated
 * (docs/gpu.md "Memory estimate"): weights, gradients, AdamW state, the activations the tape
 * keeps for backward at this batch and length, the transient scratch of the backward pass, and
 * the largest single buffer (which the device's per-buffer limits bound).
 *
 * Weights are counted exactly (the test compares with the built model). Activations and
 * scratch are fitted per variant to the buffer pool's measured peak on the CPU backend
 * (src/model/memoryEstimate.test.ts checks them within the stated factor), as floats per unit of:
 *   t·d per layer (t = examples·n tokens, ×2 for two towers), t·ffn per layer, t·d once
 *   (embeddings, final norm), and the variant's attention term per layer:
 *   softmax B·H·n², Nyström/Proxyformer B·H·n·m plus B·H·m² (the pseudo-inverse iterations),
 *   Linformer B·H·n·k, Performer B·H·n·F, linear attention none beyond t·d, BigBird B·H times
 *   (n − 2b)·(5 + r)·b + 2b·n (sparse and global rows).
 */
import { largestBuffer, reformerBuckets, type Attention, type BufferEstimate, type ModelConfig, type RunConfig } from '../config';

/** The estimate is within this factor of the measured peak (both ways); the test asserts it. */
export const ESTIMATE_FACTOR = 2;

const F32 = 4;

export interface MemoryEstimate {
  /** Examples per forward pass (the micro-batch when a batch is split). */
  examples: number;
  weights: number;
  gradients: number;
  /** AdamW's two moments. */
  optimizer: number;
  activations: number;
  scratch: number;
  /** Sum of the above, in bytes. */
  total: number;
  largest: BufferEstimate;
}

/** Trainable parameters and non-trainable state (Performer's features), in elements. */
export function parameterCounts(c: ModelConfig): { trainable: number; state: number } {
  const { dModel: d, ffn, heads: h, seqLen: n, landmarks: m } = c;
  const linear = (i: number, o: number) => i * o + o;
  const conv = c.convKernel > 0 ? h * c.convKernel : 0;
  const e = h * c.linformerK * n;
  let attention = 4 * linear(d, d);
  let state = 0;
  if (c.attention === 'nystrom') attention += conv;
  if (c.attention === 'proxy') {
    attention += conv + (c.proxyParam === 'projected' ? m * d : 2 * m * d);
    if (c.injection === 'mean') attention += linear(d, d);
  }
  if (c.attention === 'linformer' && c.linformerSharing !== 'shared') attention += e;
  if (c.attention === 'performer') state = c.layers * c.performerFeatures * (d / h);
  if (c.attention === 'bigbird') state = c.layers * Math.max(n / c.bigbirdBlock - 2, 1) * Math.max(c.bigbirdRandom, 1);
  if (c.attention === 'reformer') {
    // Shared query-key: no k projection; the evaluation rotations [H, d_h, rounds·buckets/2] are state.
    attention -= linear(d, d);
    state = c.layers * h * (d / h) * c.reformerHashes * (reformerBuckets(n, c.reformerChunk) / 2);
  }
  const layer = 2 * d + attention + 2 * d + linear(d, ffn) + linear(ffn, d);
  const shared = c.attention === 'linformer' && c.linformerSharing === 'shared' ? e : 0;
  const head = linear(c.twoTower ? 4 * d : d, ffn) + linear(ffn, c.numClasses);
  return { trainable: c.vocabSize * d + n * d + c.layers * layer + shared + 2 * d + head, state };
}

/** Fitted floats kept per t·d of one layer, and per unit of the attention term. */
const PER_TOKEN_FEATURE: Record<Attention, number> = {
  softmax: 19,
  nystrom: 25,
  proxy: 25,
  linformer: 23.5,
  performer: 24,
  linear: 35.5,
  bigbird: 30,
  reformer: 55, // fitted at 2 rounds: Q, K, V and their look-back copies repeat per round
};
const PER_ATTENTION_TERM: Record<Attention, number> = {
  softmax: 3,
  nystrom: 6.25,
  proxy: 8.3,
  linformer: 2.1,
  performer: 6,
  linear: 0,
  bigbird: 5,
  reformer: 12,
};

/** The variant's attention term of one layer (elements of its n-sized factor). */
function attentionTerm(c: RunConfig, bh: number): number {
  const n = c.seqLen;
  if (c.attention === 'softmax') return bh * n * n;
  if (c.attention === 'linformer') return bh * n * c.linformerK;
  if (c.attention === 'performer') return bh * n * c.performerFeatures;
  if (c.attention === 'linear') return 0;
  if (c.attention === 'bigbird') {
    // Sparse rows see (5 + r)·b gathered keys, the two global blocks all n (nb ≤ 2: dense).
    const b = c.bigbirdBlock;
    return n <= 2 * b ? bh * n * n : bh * ((n - 2 * b) * Math.min((5 + c.bigbirdRandom) * b, n) + 2 * b * n);
  }
  // Reformer: the chunked scores, rounds·n queries against 2·chunk keys each.
  if (c.attention === 'reformer') return bh * c.reformerHashes * n * 2 * Math.min(c.reformerChunk, n);
  return bh * n * c.landmarks;
}

/** Nyström and Proxyformer: the m×m kernel and pseudo-inverse iterates kept per (example, head). */
function pinvTerm(c: RunConfig, bh: number): number {
  if (c.attention !== 'nystrom' && c.attention !== 'proxy') return 0;
  const perIterate = 8 * (c.pinvIterations + 1) + (c.attention === 'proxy' ? 13 : 0);
  return perIterate * bh * c.landmarks * c.landmarks;
}

/** The estimate for one training step of `examples` examples (default: the whole batch). */
export function estimateMemory(c: RunConfig, examples = c.batchSize): MemoryEstimate {
  const towers = c.twoTower ? 2 : 1;
  const t = examples * towers * c.seqLen;
  const bh = examples * towers * c.heads;
  const { dModel: d, ffn, layers } = c;
  const att = attentionTerm(c, bh);
  const perLayer = PER_TOKEN_FEATURE[c.attention] * t * d + 3.05 * t * ffn + PER_ATTENTION_TERM[c.attention] * att + pinvTerm(c, bh);
  const activations = F32 * (layers * perLayer + 4.5 * t * d + 2 * t + 8 * examples * (4 * d + ffn + c.numClasses));
  const scratch = F32 * (6 * t * d + 0.5 * t * ffn + (c.attention === 'softmax' ? att : 0) + pinvTerm(c, bh) / 16);
  const { trainable, state } = parameterCounts(c);
  const weights = F32 * (trainable + state);
  const gradients = F32 * trainable;
  const optimizer = 2 * F32 * trainable;
  return {
    examples,
    weights,
    gradients,
    optimizer,
    activations,
    scratch,
    total: weights + gradients + optimizer + activations + scratch,
    largest: largestBuffer({ ...c, batchSize: examples }),
  };
}

/** Bytes as people read them: "1.9 GiB", "312.0 MiB", "64.0 KiB". */
export function formatSize(bytes: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let v = bytes;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return i === 0 ? `${v} B` : `${v.toFixed(1)} ${units[i]}`;
}
