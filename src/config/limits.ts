/**
 * A config's largest single GPU buffer, checked against the adapter's limits before anything
 * is built. One binding cannot exceed `maxStorageBufferBindingSize`, one buffer cannot exceed
 * `maxBufferSize`; the largest buffer is nearly always the attention matrix.
 */
import type { RunConfig } from './schema';

/** The adapter limits the check reads (a subset of `GPUSupportedLimits`). */
export interface DeviceLimits {
  maxStorageBufferBindingSize: number;
  maxBufferSize?: number;
}

/** One buffer the model will allocate: what it is, its shape and its size in bytes (f32). */
export interface BufferEstimate {
  name: string;
  shape: number[];
  bytes: number;
}

const F32 = 4;

/**
 * The buffers whose size grows with the config (the two towers of Retrieval are assumed to
 * run as one batch of 2B; weights other than the embeddings are small).
 */
export function sizedBuffers(c: RunConfig): BufferEstimate[] {
  const b = c.batchSize * (c.twoTower ? 2 : 1);
  const { seqLen: n, dModel: d, heads: h, ffn, landmarks: m, vocabSize: vocab } = c;
  const list: [string, number[]][] = [
    ['token embedding', [vocab, d]],
    ['position embedding', [n, d]],
    ['activations [B, n, d]', [b, n, d]],
    ['FFN hidden [B, n, ffn]', [b, n, ffn]],
  ];
  if (c.attention === 'softmax') {
    // Fused attention keeps no n×n buffer (only the heads and one log-sum-exp per row).
    if (c.softmaxImpl !== 'fused') list.push(['softmax attention [B, H, n, n]', [b, h, n, n]]);
  } else if (c.attention === 'linformer') {
    const k = c.linformerK;
    list.push(['Linformer attention [B, H, n, k]', [b, h, n, k]], ['Linformer E [H, k, n]', [h, k, n]]);
  } else if (c.attention === 'performer') {
    list.push(['Performer features φ(Q) [B, H, n, features]', [b, h, n, c.performerFeatures]]);
  } else if (c.attention === 'bigbird') {
    const blk = Math.min(c.bigbirdBlock, n);
    const slots = n <= 2 * blk ? n : Math.min((5 + c.bigbirdRandom) * blk, n);
    list.push(
      ['BigBird global rows [B, H, 2b, n]', [b, h, Math.min(2 * blk, n), n]],
      ['BigBird gathered keys [B·H, n, slots·b]', [b, h, n, slots]],
    );
  } else if (c.attention === 'reformer') {
    const chunk = Math.min(c.reformerChunk, n);
    list.push(['Reformer chunked scores [B, H, rounds·n, 2·chunk]', [b, h, c.reformerHashes * n, 2 * chunk]]);
  } else if (c.attention === 'linear') {
    list.push(['linear attention φ(K)ᵀV [B, H, d_h, d_h]', [b, h, d / h, d / h]]);
  } else {
    list.push(['kernel 1 [B, H, n, m]', [b, h, n, m]], ['kernel 3 [B, H, m, n]', [b, h, m, n]], ['kernel 2 [B, H, m, m]', [b, h, m, m]]);
  }
  return list.map(([name, shape]) => ({ name, shape, bytes: shape.reduce((p, x) => p * x, F32) }));
}

/** The largest of `sizedBuffers`. */
export function largestBuffer(c: RunConfig): BufferEstimate {
  return sizedBuffers(c).reduce((a, x) => (x.bytes > a.bytes ? x : a));
}

/** The tighter of the two per-buffer limits, and its name. */
export function bufferLimit(limits: DeviceLimits): { name: string; bytes: number } {
  const binding = limits.maxStorageBufferBindingSize;
  if (limits.maxBufferSize !== undefined && limits.maxBufferSize < binding) return { name: 'maxBufferSize', bytes: limits.maxBufferSize };
  return { name: 'maxStorageBufferBindingSize', bytes: binding };
}

/** Human-readable bytes (MiB with one decimal above 1 MiB). */
export function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${(bytes / (1024 * 1024)).toFixed(1)} MiB`;
  if (bytes >= 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  return `${bytes} B`;
}
