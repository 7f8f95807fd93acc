/** Reference loops for a Linear layer's fused forward (the truth for kernels/linear.wgsl). */
import type { CpuArray } from './pool';

/**
 * out = x · Wᵀ + bias for x [rows, k], W [n, k]: as [rows, n], or with heads > 1 in the head
 * layout [B, heads, seq, n / heads] (rows = B·seq).
 */
export function linear(
  x: CpuArray,
  w: CpuArray,
  bias: CpuArray,
  out: CpuArray,
  rows: number,
  k: number,
  n: number,
  heads: number,
  seq: number,
): void {
  const dh = n / heads;
  for (let r = 0; r < rows; r++)
    for (let c = 0; c < n; c++) {
      let acc = 0;
      for (let i = 0; i < k; i++) acc += x[r * k + i] * w[c * k + i];
      const o = heads > 1 ? ((Math.floor(r / seq) * heads + Math.floor(c / dh)) * seq + (r % seq)) * dh + (c % dh) : r * n + c;
      out[o] = acc + bias[c];
    }
}
