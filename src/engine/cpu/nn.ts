/** Reference loops for the neural-network kernels: softmax, cross-entropy, LayerNorm, embedding, depthwise conv, dropout. */
import type { CpuArray } from './pool';
import { randomUniform } from './random';

/** Row softmax, max-subtracted for stability. */
export function softmax(x: CpuArray, out: CpuArray, rows: number, cols: number): void {
  for (let r = 0; r < rows; r++) {
    const o = r * cols;
    let mx = -Infinity;
    for (let c = 0; c < cols; c++) mx = Math.max(mx, x[o + c]);
    let s = 0;
    for (let c = 0; c < cols; c++) s += Math.exp(x[o + c] - mx);
    for (let c = 0; c < cols; c++) out[o + c] = Math.exp(x[o + c] - mx) / s;
  }
}

/** dx (+)= y ⊙ (dy − Σ_j dy_j y_j) per row. */
export function softmaxBackward(y: CpuArray, dy: CpuArray, dx: CpuArray, rows: number, cols: number, accumulate: boolean): void {
  for (let r = 0; r < rows; r++) {
    const o = r * cols;
    let dot = 0;
    for (let c = 0; c < cols; c++) dot += dy[o + c] * y[o + c];
    for (let c = 0; c < cols; c++) {
      const d = y[o + c] * (dy[o + c] - dot);
      dx[o + c] = accumulate ? dx[o + c] + d : d;
    }
  }
}

/** Fused log-softmax + NLL per row; dlogits = (softmax − onehot) · gradScale. */
export function crossEntropy(
  logits: CpuArray,
  labels: CpuArray,
  lossRows: CpuArray,
  dlogits: CpuArray | null,
  rows: number,
  classes: number,
  gradScale: number,
): void {
  for (let r = 0; r < rows; r++) {
    const label = labels[r];
    if (!Number.isInteger(label) || label < 0 || label >= classes)
      throw new Error(`crossEntropy: label ${label} in row ${r} is outside [0, ${classes})`);
    const o = r * classes;
    let mx = -Infinity;
    for (let c = 0; c < classes; c++) mx = Math.max(mx, logits[o + c]);
    let s = 0;
    for (let c = 0; c < classes; c++) s += Math.exp(logits[o + c] - mx);
    const lse = mx + Math.log(s);
    lossRows[r] = lse - logits[o + label];
    if (dlogits) for (let c = 0; c < classes; c++) dlogits[o + c] = (Math.exp(logits[o + c] - lse) - (c === label ? 1 : 0)) * gradScale;
  }
}

/** LayerNorm over the last axis with biased variance (as PyTorch); saves mean and rstd. */
export function layerNorm(
  x: CpuArray,
  gamma: CpuArray,
  beta: CpuArray,
  out: CpuArray,
  mean: CpuArray,
  rstd: CpuArray,
  rows: number,
  cols: number,
  eps: number,
): void {
  for (let r = 0; r < rows; r++) {
    const o = r * cols;
    let mu = 0;
    for (let c = 0; c < cols; c++) mu += x[o + c];
    mu /= cols;
    let v = 0;
    for (let c = 0; c < cols; c++) v += (x[o + c] - mu) * (x[o + c] - mu);
    const rs = 1 / Math.sqrt(v / cols + eps);
    mean[r] = mu;
    rstd[r] = rs;
    for (let c = 0; c < cols; c++) out[o + c] = (x[o + c] - mu) * rs * gamma[c] + beta[c];
  }
}

/** dx (+)= rstd·(ĝ − mean(ĝ) − x̂·mean(ĝ⊙x̂)) with ĝ = dy⊙γ; dγ += Σ dy⊙x̂; dβ += Σ dy. */
export function layerNormBackward(
  x: CpuArray,
  gamma: CpuArray,
  mean: CpuArray,
  rstd: CpuArray,
  dy: CpuArray,
  dx: CpuArray,
  dgamma: CpuArray,
  dbeta: CpuArray,
  rows: number,
  cols: number,
  accumulateDx: boolean,
): void {
  for (let r = 0; r < rows; r++) {
    const o = r * cols;
    const mu = mean[r];
    const rs = rstd[r];
    let sg = 0;
    let sgx = 0;
    for (let c = 0; c < cols; c++) {
      const xh = (x[o + c] - mu) * rs;
      const g = dy[o + c] * gamma[c];
      sg += g;
      sgx += g * xh;
      dgamma[c] += dy[o + c] * xh;
      dbeta[c] += dy[o + c];
    }
    sg /= cols;
    sgx /= cols;
    for (let c = 0; c < cols; c++) {
      const xh = (x[o + c] - mu) * rs;
      const d = rs * (dy[o + c] * gamma[c] - sg - xh * sgx);
      dx[o + c] = accumulateDx ? dx[o + c] + d : d;
    }
  }
}

function checkId(id: number, i: number, vocab: number, op: string): void {
  if (!Number.isInteger(id) || id < 0 || id >= vocab) throw new Error(`${op}: id ${id} at position ${i} is outside [0, ${vocab})`);
}

/** out[i, :] = table[ids[i], :]. */
export function gather(table: CpuArray, ids: CpuArray, out: CpuArray, count: number, dim: number): void {
  const vocab = table.length / dim;
  for (let i = 0; i < count; i++) {
    checkId(ids[i], i, vocab, 'gather');
    for (let c = 0; c < dim; c++) out[i * dim + c] = table[ids[i] * dim + c];
  }
}

/** dtable[ids[i], :] += dy[i, :]. */
export function scatterAdd(ids: CpuArray, dy: CpuArray, dtable: CpuArray, count: number, dim: number): void {
  const vocab = dtable.length / dim;
  for (let i = 0; i < count; i++) {
    checkId(ids[i], i, vocab, 'scatterAdd');
    for (let c = 0; c < dim; c++) dtable[ids[i] * dim + c] += dy[i * dim + c];
  }
}

/** out[b, t, c] = Σ_j w[b % H, j] · x[b, t + j − k//2, c] (zero outside [0, n)): PyTorch's cross-correlation. */
export function dconv(x: CpuArray, w: CpuArray, out: CpuArray, bh: number, heads: number, n: number, d: number, k: number): void {
  const pad = Math.floor(k / 2);
  for (let b = 0; b < bh; b++) {
    const h = b % heads;
    for (let t = 0; t < n; t++)
      for (let c = 0; c < d; c++) {
        let s = 0;
        for (let j = 0; j < k; j++) {
          const src = t + j - pad;
          if (src >= 0 && src < n) s += w[h * k + j] * x[(b * n + src) * d + c];
        }
        out[(b * n + t) * d + c] = s;
      }
  }
}

/** dx = Σ_j w[h, j] · dy[t − j + k//2] (overwritten); dw[h, j] += Σ dy[b, t, c] · x[b, t + j − k//2, c] (accumulated, a parameter gradient). */
export function dconvBackward(
  x: CpuArray,
  w: CpuArray,
  dy: CpuArray,
  dx: CpuArray | null,
  dw: CpuArray | null,
  bh: number,
  heads: number,
  n: number,
  d: number,
  k: number,
): void {
  const pad = Math.floor(k / 2);
  if (dx) dx.fill(0, 0, bh * n * d);
  // dw[h, j] takes its terms in the same (b, t, c) order as a per-term `+=` on the array would,
  // held in a local and rounded like the array rounds each store (f32 or f64): bit-identical.
  const f32 = dw instanceof Float32Array;
  for (let b = 0; b < bh; b++) {
    const h = b % heads;
    for (let t = 0; t < n; t++) {
      const g0 = (b * n + t) * d;
      for (let j = 0; j < k; j++) {
        const src = t + j - pad;
        if (src < 0 || src >= n) continue;
        const s0 = (b * n + src) * d;
        if (dx) {
          const wv = w[h * k + j];
          for (let c = 0; c < d; c++) dx[s0 + c] += wv * dy[g0 + c];
        }
        if (dw) {
          let acc = dw[h * k + j];
          if (f32) for (let c = 0; c < d; c++) acc = Math.fround(acc + dy[g0 + c] * x[s0 + c]);
          else for (let c = 0; c < d; c++) acc += dy[g0 + c] * x[s0 + c];
          dw[h * k + j] = acc;
        }
      }
    }
  }
}

/** out[i] = scale if the draw u(seed, offset + i) ≥ p (kept, probability 1 − p), else 0. */
export function dropoutMask(out: CpuArray, seed: number, offset: number, p: number, scale: number): void {
  for (let i = 0; i < out.length; i++) out[i] = randomUniform(seed, offset + i) >= p ? scale : 0;
}
