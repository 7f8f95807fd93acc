/**
 * The Nyström product shared by Nyströmformer and Proxyformer (docs/models.md "The three kernels"), per head, s = 1/√d_h:
 *   K1 = softmax(s·Q K̃ᵀ) [n×m],  K2 = softmax(s·Q̃ K̃ᵀ) [m×m],  K3 = softmax(s·Q̃ Kᵀ + keymask) [m×n],
 *   out = (K1 · Z) · (K3 · V) + DConv(V·mask),  Z ≈ K2⁺,
 * always multiplied in that order, so the cost stays linear in n.
 */
import type { AttentionInput } from './attentionInput.ts';
import { int, ints } from './graph.ts';
import { add, matmul, mul, reshape, scale, softmax, transposeLast, weight } from './ops.ts';
import { iterativePinv } from './pinvGraph.ts';

/** K2 and Z computed at export time (Proxyformer with injection `none`), each [1, H, m, m]. */
export interface FixedKernel {
  k2: string;
  z: string;
}

/**
 * out [B, H, n, d_h] from heads q, k, v [B, H, n, d_h] and landmarks [B or 1, H, m, d_h].
 * Records K1, K2, Z, K3 as views (K2 and Z broadcast over the batch when they are fixed).
 */
export function nystromProduct(
  a: AttentionInput,
  q: string,
  k: string,
  v: string,
  qLandmarks: string,
  kLandmarks: string,
  fixed?: FixedKernel,
): string {
  const { ctx, cfg } = a;
  const g = ctx.g;
  const n = cfg.seqLen,
    m = cfg.landmarks,
    heads = cfg.heads;
  const s = 1 / Math.sqrt(cfg.dModel / heads);
  const qLandmarksScaled = scale(g, qLandmarks, s);
  const k1 = softmax(g, matmul(g, scale(g, q, s), transposeLast(g, kLandmarks)));
  const k3 = softmax(g, add(g, matmul(g, qLandmarksScaled, transposeLast(g, k)), a.keyBias));
  let k2: string, z: string;
  if (fixed) {
    ({ k2, z } = fixed);
  } else {
    k2 = softmax(g, matmul(g, qLandmarksScaled, transposeLast(g, kLandmarks)));
    z = iterativePinv(g, k2, m, cfg.pinvIterations, cfg.pinvInit);
  }
  let out = matmul(g, matmul(g, k1, z), matmul(g, k3, v));
  if (cfg.convKernel > 0) out = add(g, out, convSkip(a, mul(g, v, a.keep)));
  a.view('K1', k1, ['batch', heads, n, m]);
  a.view('K2', fixed ? broadcastBatch(a, k2, [heads, m, m]) : k2, ['batch', heads, m, m]);
  a.view('Z', fixed ? broadcastBatch(a, z, [heads, m, m]) : z, ['batch', heads, m, m]);
  a.view('K3', k3, ['batch', heads, m, n]);
  return out;
}

/**
 * The conv skip DConv(V·mask): depthwise convolution along the sequence, one length-k kernel per head shared across
 * the d_h channels, zero padding k//2, no bias; a grouped Conv with [B, H, n, d_h] read as
 * [N, C, height, width] and the weight [H, k] as [H, 1, k, 1] (the reference's Conv2d).
 */
function convSkip(a: AttentionInput, v: string): string {
  const g = a.ctx.g;
  const kernel = a.cfg.convKernel,
    heads = a.cfg.heads;
  const name = `${a.prefix}.conv.weight`;
  const w = g.memo(`${name}/as-conv`, () => reshape(g, weight(a.ctx, name), [heads, 1, kernel, 1]));
  const pad = Math.floor(kernel / 2);
  return g.node('Conv', [v, w], { group: int(heads), kernel_shape: ints([kernel, 1]), pads: ints([pad, 0, pad, 0]) });
}

/** x [1, ...rest] → [B, ...rest], B read from the mask (for views of input-independent factors). */
function broadcastBatch(a: AttentionInput, x: string, rest: number[]): string {
  const g = a.ctx.g;
  const batch = g.node('Shape', [a.mask], { start: int(0), end: int(1) });
  return g.node('Expand', [x, g.node('Concat', [batch, g.constInt64(rest)], { axis: int(0) })]);
}
