/**
 * Proxyformer attention (Lee, Lee & Shin, AAAI 2024; docs/models.md "Proxyformer", our reading of the
 * formulas): trainable proxies replace the segment-mean landmarks, an input injection makes them
 * input-aware, then the Nyström product. Q and K are not masked (padded query rows never reach a
 * valid output; K3 gets the key mask). The contrastive loss and decomposed dropout are training
 * only and have no place in this graph.
 */
import type { AttentionInput } from './attentionInput.ts';
import { nystromProduct, type FixedKernel } from './nystromProduct.ts';
import {
  add,
  linear,
  maskedMean,
  matmul,
  mergeHeads,
  mul,
  reshape,
  scale,
  segmentMeans,
  softmax,
  splitHeads,
  transposeLast,
  weight,
} from './ops.ts';
import { int, ints } from './graph.ts';
import { fixedPinv } from './pinvConstant.ts';

/** [B, n, d] → [B, n, d]. */
export function proxyAttention(a: AttentionInput, layer: number): string {
  const { ctx, cfg, prefix } = a;
  const g = ctx.g;
  const n = cfg.seqLen,
    heads = cfg.heads,
    dh = cfg.dModel / heads;
  const [q, k, v] = ['q', 'k', 'v'].map((p) => splitHeads(g, linear(ctx, a.x, `${prefix}.${p}`), n, heads, dh));
  const [qLandmarks, kLandmarks] = cfg.proxyParam === 'projected' ? projectedProxies(a, k, v) : perHeadProxies(a, q, k, v);
  let fixed: FixedKernel | undefined;
  if (cfg.injection === 'none') {
    const m = cfg.landmarks;
    const { k2, z } = fixedPinv(cfg, ctx.weights, layer);
    fixed = {
      k2: g.initializer(`${prefix}.cached_K2`, Float32Array.from(k2), [1, heads, m, m]),
      z: g.initializer(`${prefix}.cached_Z`, Float32Array.from(z), [1, heads, m, m]),
    };
  }
  const out = nystromProduct(a, q, k, v, qLandmarks, kLandmarks, fixed);
  return linear(ctx, mergeHeads(g, out, n, cfg.dModel), `${prefix}.out`);
}

/** The `attend` read-out softmax(s·P_q K_hᵀ + keymask) V_h (`attend-centred`: minus its mean over the m proxies): [B or 1, H, m, d_h] → [B, H, m, d_h]. */
function readInput(a: AttentionInput, proxyQueries: string, k: string, v: string): string {
  const g = a.ctx.g;
  const s = 1 / Math.sqrt(a.cfg.dModel / a.cfg.heads);
  const scores = matmul(g, scale(g, proxyQueries, s), transposeLast(g, k));
  const read = matmul(g, softmax(g, add(g, scores, a.keyBias)), v);
  if (a.cfg.injection !== 'attend-centred') return read;
  // 'attend-centred': minus the read-out's mean over the m proxies (axis 2 of [B, H, m, d_h]).
  return g.node('Sub', [read, g.node('ReduceMean', [read], { axes: ints([2]), keepdims: int(1) })]);
}

/** inject(maskedmean(X)) as [B, 1, d], the same shift for every proxy. */
function meanShift(a: AttentionInput): string {
  const pooled = maskedMean(a.ctx.g, a.x, a.mask, a.cfg.seqLen);
  return reshape(a.ctx.g, linear(a.ctx, pooled, `${a.prefix}.inject`), [0, 1, a.cfg.dModel]);
}

/** ★ proxyParam `projected`: P_in from the injection, then Q̃ = q(P_in), K̃ = k(P_in) split into heads. */
function projectedProxies(a: AttentionInput, k: string, v: string): [string, string] {
  const { ctx, cfg, prefix } = a;
  const g = ctx.g;
  const n = cfg.seqLen,
    m = cfg.landmarks,
    d = cfg.dModel,
    heads = cfg.heads,
    dh = d / heads;
  const p = reshape(g, weight(ctx, `${prefix}.proxies`), [1, m, d]);
  let pIn = p;
  if (cfg.injection === 'attend' || cfg.injection === 'attend-centred') {
    const read = readInput(a, splitHeads(g, linear(ctx, p, `${prefix}.q`), m, heads, dh), k, v);
    pIn = add(g, p, mergeHeads(g, read, m, d));
  } else if (cfg.injection === 'mean') {
    pIn = add(g, p, meanShift(a));
  } else if (cfg.injection === 'segment') {
    const maskedX = mul(g, a.x, reshape(g, a.mask, [0, n, 1]));
    pIn = add(g, p, segmentMeans(g, maskedX, [], n, m, d));
  }
  return [splitHeads(g, linear(ctx, pIn, `${prefix}.q`), m, heads, dh), splitHeads(g, linear(ctx, pIn, `${prefix}.k`), m, heads, dh)];
}

/** proxyParam `per-head`: proxy_q, proxy_k used directly as Q̃, K̃, the same read-out added to both. */
function perHeadProxies(a: AttentionInput, q: string, k: string, v: string): [string, string] {
  const { ctx, cfg, prefix } = a;
  const g = ctx.g;
  const n = cfg.seqLen,
    m = cfg.landmarks,
    heads = cfg.heads,
    dh = cfg.dModel / heads;
  const pq = reshape(g, weight(ctx, `${prefix}.proxy_q`), [1, heads, m, dh]);
  const pk = reshape(g, weight(ctx, `${prefix}.proxy_k`), [1, heads, m, dh]);
  if (cfg.injection === 'attend' || cfg.injection === 'attend-centred') {
    const read = readInput(a, pq, k, v);
    return [add(g, pq, read), add(g, pk, read)];
  }
  if (cfg.injection === 'mean') {
    const shift = splitHeads(g, meanShift(a), 1, heads, dh); // [B, H, 1, d_h]
    return [add(g, pq, shift), add(g, pk, shift)];
  }
  if (cfg.injection === 'segment') {
    const segments = (x: string) => segmentMeans(g, mul(g, x, a.keep), [heads], n, m, dh);
    return [add(g, pq, segments(q)), add(g, pk, segments(k))];
  }
  return [pq, pk];
}
