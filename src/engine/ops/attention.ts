/**
 * Fused attention (FlashAttention-2 style): softmax(scale·Q Kᵀ + keyBias) V without the nq × nk
 * probabilities in memory. The forward keeps each row's log-sum-exp [B, H, nq]; the backward
 * recomputes the scores from it (docs/models.md "Fused attention"). The same maths as
 * `matmul(softmax(add(matmul(q, k, { transB: true, alpha: scale }), keyBias)), v)`.
 */
import type { AttentionParams } from '../backend';
import { record } from '../autograd';
import type { Tensor } from '../tensor';
import { checkInputs, output, scratch, shapeStr } from './util';

export interface FusedAttentionOptions {
  /** Multiplies QKᵀ (1/√d_k for scaled dot-product attention). */
  scale: number;
}

function paramsOf(q: Tensor, k: Tensor, v: Tensor, keyBias: Tensor | null, scale: number): AttentionParams {
  const what = `fusedAttention: q ${shapeStr(q.shape)}, k ${shapeStr(k.shape)}, v ${shapeStr(v.shape)}${keyBias ? `, keyBias ${shapeStr(keyBias.shape)}` : ''}`;
  if (q.rank !== 4 || k.rank !== 4 || v.rank !== 4) throw new Error(`${what}: q, k and v must be [B, H, rows, d]`);
  const [b, h, nq, dk] = q.shape;
  const [nk, dv] = [k.shape[2], v.shape[3]];
  if (k.shape[0] !== b || k.shape[1] !== h || v.shape[0] !== b || v.shape[1] !== h)
    throw new Error(`${what}: q, k and v must share B and H (expand shared operands with broadcastTo first)`);
  if (k.shape[3] !== dk) throw new Error(`${what}: q and k differ in their last dimension (${dk} vs ${k.shape[3]})`);
  if (v.shape[2] !== nk) throw new Error(`${what}: k and v differ in their number of rows (${nk} vs ${v.shape[2]})`);
  if (
    keyBias &&
    (keyBias.rank !== 4 || keyBias.shape[0] !== b || keyBias.shape[1] !== 1 || keyBias.shape[2] !== 1 || keyBias.shape[3] !== nk)
  )
    throw new Error(`${what}: keyBias must be [${b}, 1, 1, ${nk}]`);
  if (keyBias?.requiresGrad) throw new Error(`${what}: keyBias is a constant mask here; it cannot take a gradient`);
  if (!Number.isFinite(scale)) throw new Error(`${what}: scale ${scale} must be finite`);
  return { batch: b * h, heads: h, nq, nk, dk, dv, scale };
}

/** softmax(scale·q kᵀ + keyBias) v for q [B, H, nq, dk], k [B, H, nk, dk], v [B, H, nk, dv], keyBias [B, 1, 1, nk] | null → [B, H, nq, dv]. */
export function fusedAttention(q: Tensor, k: Tensor, v: Tensor, keyBias: Tensor | null, opts: FusedAttentionOptions): Tensor {
  checkInputs('fusedAttention', keyBias ? [q, k, v, keyBias] : [q, k, v]);
  const p = paramsOf(q, k, v, keyBias, opts.scale);
  const be = q.backend;
  const out = output(q, [q.shape[0], q.shape[1], p.nq, p.dv], 'fusedAttention');
  // The only saved statistic: one float per query row (the scores are recomputed in backward).
  const lse = output(q, [q.shape[0], q.shape[1], p.nq], 'fusedAttention lse');
  be.attention(q.buf, k.buf, v.buf, keyBias?.buf ?? null, out.buf, lse.buf, p);
  return record('fusedAttention', out, [q, k, v], (g, sink) => {
    const [dq, dk, dv] = [q, k, v].map((t) => (sink.needs(t) ? scratch(t, t.shape, 'fusedAttention grad') : null));
    be.attentionBackward(
      q.buf,
      k.buf,
      v.buf,
      keyBias?.buf ?? null,
      out.buf,
      lse.buf,
      g.buf,
      { dq: dq?.buf ?? null, dk: dk?.buf ?? null, dv: dv?.buf ?? null },
      p,
    );
    // Through scratch tensors, not sink.into: q, k and v may be one tensor (self-attention on x).
    if (dq) sink.add(q, dq);
    if (dk) sink.add(k, dk);
    if (dv) sink.add(v, dv);
  });
}
