/**
 * Proxyformer's proxies and input injection (Lee, Lee & Shin 2024). The paper's words: the
 * landmarks are trainable "proxy tokens" (neural memory) and an input-injection module makes
 * them input-aware. The formulas are OUR RECONSTRUCTION (docs/models.md "Proxyformer", docs/model-contract.md):
 * - proxyInit 'normal': N(0, 0.02) entries; 'orthogonal' (ours): semi-orthogonal rows with mean squared
 *   entry 1 (the scale of the LayerNorm'd tokens), and with 'per-head' proxy_k starts equal to proxy_q.
 * - proxyParam 'projected': per layer P ∈ R^{m×d} (`proxies`), Q̃ = q(P_in), K̃ = k(P_in) with the
 *   layer's own Linear projections (bias included); 'per-head': `proxy_q`, `proxy_k` ∈ R^{H×m×d_h}
 *   used directly as Q̃, K̃.
 * - injection 'attend': P_in = P + Concat_h(softmax(s·q(P)_h K_hᵀ + keymask) V_h); 'attend-centred'
 *   (ours): the same read-out minus its mean over the m proxies; 'mean':
 *   P_in = P + inject(maskedmean(X)); 'segment': P_in = P + SegMean_m(X·mask); 'none': P_in = P.
 *   With 'per-head' the read-out is added to both proxy_q and proxy_k of a head ('attend':
 *   softmax(s·proxy_q K_hᵀ + keymask) V_h; 'segment': SegMean of the masked Q and K of that head;
 *   'mean': inject(maskedmean(X)) split into heads).
 */
import { add, matmul, mean, mergeHeads, mul, reshape, softmax, splitHeads, sub, type ParameterScope, type Tensor } from '../../engine';
import { EMBED_INIT_STD, type Initialiser } from '../init';
import { Linear } from '../layers';
import type { TowerMask } from '../types';
import { fusedReadout } from './fused';
import { toBatch } from './nystromKernels';
import { segmentMeans } from './landmarks';
import { maskedMean } from './masking';
import type { Projections } from './module';

export type ProxyParam = 'projected' | 'per-head';
export type ProxyInit = 'normal' | 'orthogonal';
export type Injection = 'attend' | 'attend-centred' | 'mean' | 'segment' | 'none';

/** What the injection reads from the layer's input. */
export interface LayerInput {
  x: Tensor;
  q: Tensor;
  k: Tensor;
  v: Tensor;
  mask: TowerMask;
  /** Read out with fused attention (softmaxImpl 'fused'): no m×n weights stored. */
  fused?: boolean;
}

export class Proxies {
  private readonly proxies: Tensor | null = null;
  private readonly proxyQ: Tensor | null = null;
  private readonly proxyK: Tensor | null = null;
  private readonly inject: Linear | null;

  constructor(
    scope: ParameterScope,
    d: number,
    private readonly heads: number,
    private readonly m: number,
    readonly param: ProxyParam,
    readonly injection: Injection,
    init: Initialiser,
    proxyInit: ProxyInit = 'normal',
  ) {
    const dh = d / heads;
    const orthogonal = proxyInit === 'orthogonal';
    if (param === 'projected')
      this.proxies = scope.create('proxies', [m, d], orthogonal ? init.orthogonal(1, m, d) : init.normal(m * d, EMBED_INIT_STD));
    else if (orthogonal) {
      // Tied start: K̃ = Q̃, so K2's logits are ‖p_i‖²/√d_h on the diagonal and (near) 0 off it.
      const values = init.orthogonal(heads, m, dh);
      this.proxyQ = scope.create('proxy_q', [heads, m, dh], values);
      this.proxyK = scope.create('proxy_k', [heads, m, dh], values.slice());
    } else {
      this.proxyQ = scope.create('proxy_q', [heads, m, dh], init.normal(heads * m * dh, EMBED_INIT_STD));
      this.proxyK = scope.create('proxy_k', [heads, m, dh], init.normal(heads * m * dh, EMBED_INIT_STD));
    }
    this.inject = injection === 'mean' ? new Linear(scope, 'inject', d, d, init) : null;
  }

  /**
   * 'attend' read-out softmax(s·P_q K_hᵀ + keymask) V_h: P_q [B|1, H, m, d_h] → [B, H, m, d_h];
   * 'attend-centred' subtracts its mean over the m proxies, so no common vector is added to all.
   */
  private read(proxyQueries: Tensor, input: LayerInput): Tensor {
    if (input.fused) return fusedReadout(proxyQueries, input.k, input.v, input.mask.keyBias);
    const s = 1 / Math.sqrt(input.k.shape[3]);
    const weights = softmax(add(matmul(toBatch(proxyQueries, input.k), input.k, { transB: true, alpha: s }), input.mask.keyBias));
    const read = matmul(weights, input.v);
    return this.injection === 'attend-centred' ? sub(read, mean(read, 2, { keepDim: true })) : read;
  }

  private attends(): boolean {
    return this.injection === 'attend' || this.injection === 'attend-centred';
  }

  /** Q̃, K̃ [B, H, m, d_h], or [1, H, m, d_h] with injection 'none' (input is then not read). */
  landmarks(proj: Projections, input: LayerInput | null): { qLandmarks: Tensor; kLandmarks: Tensor } {
    if (this.injection !== 'none' && !input) throw new Error(`injection '${this.injection}' reads the input, but none was given`);
    if (this.proxies) {
      const [m, d] = this.proxies.shape;
      let p = reshape(this.proxies, [1, m, d]);
      if (input && this.attends()) p = add(p, mergeHeads(this.read(proj.q.applyHeads(p, this.heads), input)));
      else if (input && this.injection === 'mean')
        p = add(p, reshape(this.inject!.apply(maskedMean(input.x, input.mask)), [input.x.shape[0], 1, d]));
      else if (input && this.injection === 'segment') p = add(p, segmentMeans(mul(input.x, input.mask.column), this.m));
      return { qLandmarks: proj.q.applyHeads(p, this.heads), kLandmarks: proj.k.applyHeads(p, this.heads) };
    }
    const [h, m, dh] = this.proxyQ!.shape;
    const pq = reshape(this.proxyQ!, [1, h, m, dh]);
    const pk = reshape(this.proxyK!, [1, h, m, dh]);
    if (input && this.attends()) {
      const read = this.read(pq, input);
      return { qLandmarks: add(pq, read), kLandmarks: add(pk, read) };
    }
    if (input && this.injection === 'mean') {
      const b = input.x.shape[0];
      const shift = splitHeads(reshape(this.inject!.apply(maskedMean(input.x, input.mask)), [b, 1, h * dh]), h); // [B, H, 1, d_h]
      return { qLandmarks: add(pq, shift), kLandmarks: add(pk, shift) };
    }
    if (input && this.injection === 'segment') {
      const qSeg = segmentMeans(mul(input.q, input.mask.rows), this.m);
      const kSeg = segmentMeans(mul(input.k, input.mask.rows), this.m);
      return { qLandmarks: add(pq, qSeg), kLandmarks: add(pk, kSeg) };
    }
    return { qLandmarks: pq, kLandmarks: pk };
  }
}
