/**
 * Performer attention (FAVOR+, Choromanski et al. 2021), the non-causal FastAttention of
 * performer_pytorch as the LRA code wraps it (docs/model-contract.md), per head with the layer's
 * random features W [F, d_h] (the initializer `layers.{i}.attn.features`, state from the bundle):
 *   q = Q / d_h^¼,  k = (K / d_h^¼)⊙mask,  v = V⊙mask,  out = φ(q)(φ(k)ᵀ v) / φ(q)(φ(k)ᵀ 1)
 *   relu:    φ(x) = relu(x Wᵀ) + 1e-3
 *   softmax: φ(x) = F^-½ (exp(x Wᵀ − ‖x‖²/2 − c) + 1e-4), c the row max for queries and the max
 *            over all keys and features of the sample and head for keys.
 * Padded keys are zero vectors whose φ(0) still adds to the normaliser, as in the reference.
 */
import type { AttentionInput } from './attentionInput.ts';
import { int, ints } from './graph.ts';
import { featureNormaliser, featureProduct, impliedAttention } from './kernelAttention.ts';
import { add, div, linear, matmul, mergeHeads, mul, scale, splitHeads, sub, transpose, weight } from './ops.ts';

/** The relu kernel's additive epsilon (performer_pytorch's kernel_epsilon). */
const RELU_KERNEL_EPS = 1e-3;
/** The softmax kernel's additive epsilon (performer_pytorch's softmax_kernel eps). */
const SOFTMAX_KERNEL_EPS = 1e-4;

/** φ of x [B, H, n, d_h] → [B, H, n, F]. */
function featureMap(a: AttentionInput, x: string, isQuery: boolean): string {
  const { ctx, cfg, prefix } = a;
  const g = ctx.g;
  const name = `${prefix}.features`;
  const wT = g.memo(`${name}/T`, () => transpose(g, weight(ctx, name), [1, 0])); // [d_h, F]
  const dash = matmul(g, x, wT);
  if (cfg.performerKernel === 'relu') return add(g, g.node('Relu', [dash]), g.constFloat([RELU_KERNEL_EPS], []));
  const halfNorm = scale(g, g.node('ReduceSum', [mul(g, x, x), g.constInt64([-1])], { keepdims: int(1) }), 0.5); // ‖x‖²/2 [B, H, n, 1]
  const c = g.node('ReduceMax', [dash], { axes: ints(isQuery ? [-1] : [-2, -1]), keepdims: int(1) });
  const shifted = g.node('Exp', [sub(g, sub(g, dash, halfNorm), c)]);
  return scale(g, add(g, shifted, g.constFloat([SOFTMAX_KERNEL_EPS], [])), 1 / Math.sqrt(cfg.performerFeatures));
}

/** [B, n, d] → [B, n, d]; records the implied n×n attention as the view `attention`. */
export function performerAttention(a: AttentionInput): string {
  const { ctx, cfg, prefix } = a;
  const g = ctx.g;
  const n = cfg.seqLen,
    heads = cfg.heads,
    dh = cfg.dModel / cfg.heads;
  const [q, k, v] = ['q', 'k', 'v'].map((p) => splitHeads(g, linear(ctx, a.x, `${prefix}.${p}`), n, heads, dh));
  const s = dh ** -0.25;
  const phiQ = featureMap(a, scale(g, q, s), true);
  const phiK = featureMap(a, mul(g, scale(g, k, s), a.keep), false);
  const out = div(g, featureProduct(g, phiQ, phiK, mul(g, v, a.keep)), featureNormaliser(g, phiQ, phiK));
  if (a.wantsImplied) a.view('attention', impliedAttention(g, phiQ, phiK), ['batch', heads, n, n]); // n×n: only for the view
  return linear(ctx, mergeHeads(g, out, n, cfg.dModel), `${prefix}.out`);
}
