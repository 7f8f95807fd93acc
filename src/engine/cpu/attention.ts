/**
 * The reference loops of fused attention (FlashAttention-2, Dao 2023): the forward visits the
 * keys in tiles of `KEY_TILE` with a running maximum and sum per query row (online softmax) and
 * keeps only each row's log-sum-exp; the backward recomputes every score from it. Memory beyond
 * the inputs and outputs is O(d) per row, never O(nq·nk): the CPU pool's peak shows the same
 * linear growth as the WebGPU kernels (src/engine/webgpu/kernels/attention.ts).
 */
import type { AttentionParams } from '../backend';
import type { CpuArray } from './pool';

/** Keys per tile; the result does not depend on it beyond rounding. */
export const KEY_TILE = 64;

/** scale·q_i·k_j + bias_j for problem `b` (offsets precomputed by the caller). */
function score(q: CpuArray, qo: number, k: CpuArray, ko: number, dk: number, scale: number, bias: CpuArray | null, bo: number): number {
  let s = 0;
  for (let c = 0; c < dk; c++) s += q[qo + c] * k[ko + c];
  return scale * s + (bias ? bias[bo] : 0);
}

export function attention(
  q: CpuArray,
  k: CpuArray,
  v: CpuArray,
  bias: CpuArray | null,
  out: CpuArray,
  lse: CpuArray,
  p: AttentionParams,
): void {
  const { batch, heads, nq, nk, dk, dv, scale } = p;
  const acc = new Float64Array(dv);
  const tile = new Float64Array(KEY_TILE);
  for (let b = 0; b < batch; b++) {
    const kBase = b * nk * dk;
    const vBase = b * nk * dv;
    const biasBase = Math.floor(b / heads) * nk;
    for (let i = 0; i < nq; i++) {
      const row = b * nq + i;
      let m = -Infinity;
      let l = 0;
      acc.fill(0);
      for (let j0 = 0; j0 < nk; j0 += KEY_TILE) {
        const width = Math.min(KEY_TILE, nk - j0);
        let tileMax = -Infinity;
        for (let t = 0; t < width; t++) {
          const j = j0 + t;
          tile[t] = score(q, row * dk, k, kBase + j * dk, dk, scale, bias, biasBase + j);
          tileMax = Math.max(tileMax, tile[t]);
        }
        const mNew = Math.max(m, tileMax);
        const correction = Math.exp(m - mNew); // 0 on the first tile (m = −∞)
        l *= correction;
        for (let c = 0; c < dv; c++) acc[c] *= correction;
        for (let t = 0; t < width; t++) {
          const e = Math.exp(tile[t] - mNew);
          l += e;
          const vo = vBase + (j0 + t) * dv;
          for (let c = 0; c < dv; c++) acc[c] += e * v[vo + c];
        }
        m = mNew;
      }
      for (let c = 0; c < dv; c++) out[row * dv + c] = acc[c] / l;
      lse[row] = m + Math.log(l);
    }
  }
}

/** dst[offset …] = src. */
function store(dst: CpuArray | null, src: Float64Array, offset: number): void {
  if (!dst) return;
  for (let i = 0; i < src.length; i++) dst[offset + i] = src[i];
}

export function attentionBackward(
  q: CpuArray,
  k: CpuArray,
  v: CpuArray,
  bias: CpuArray | null,
  out: CpuArray,
  lse: CpuArray,
  dout: CpuArray,
  grads: { dq: CpuArray | null; dk: CpuArray | null; dv: CpuArray | null },
  p: AttentionParams,
): void {
  const { batch, heads, nq, nk, dk, dv, scale } = p;
  const dqB = new Float64Array(nq * dk);
  const dkB = new Float64Array(nk * dk);
  const dvB = new Float64Array(nk * dv);
  for (let b = 0; b < batch; b++) {
    dqB.fill(0);
    dkB.fill(0);
    dvB.fill(0);
    const kBase = b * nk * dk;
    const vBase = b * nk * dv;
    const biasBase = Math.floor(b / heads) * nk;
    for (let i = 0; i < nq; i++) {
      const row = b * nq + i;
      let d = 0; // D_i = dO_i · O_i = Σ_j P_ij dP_ij
      for (let c = 0; c < dv; c++) d += dout[row * dv + c] * out[row * dv + c];
      for (let j = 0; j < nk; j++) {
        const pij = Math.exp(score(q, row * dk, k, kBase + j * dk, dk, scale, bias, biasBase + j) - lse[row]);
        let dp = 0;
        for (let c = 0; c < dv; c++) {
          dvB[j * dv + c] += pij * dout[row * dv + c];
          dp += dout[row * dv + c] * v[vBase + j * dv + c];
        }
        const ds = scale * pij * (dp - d);
        for (let c = 0; c < dk; c++) {
          dqB[i * dk + c] += ds * k[kBase + j * dk + c];
          dkB[j * dk + c] += ds * q[row * dk + c];
        }
      }
    }
    store(grads.dq, dqB, b * nq * dk);
    store(grads.dk, dkB, kBase);
    store(grads.dv, dvB, vBase);
  }
}
