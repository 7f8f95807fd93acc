/**
 * Shape classes of the matrix product: the tuner times candidates once per class, not once per
 * shape, so that a run at a new sequence length or batch reuses what similar shapes taught.
 * Each of batch, m, n and k is rounded up to a power of two (a kernel's speed changes with the
 * number of workgroups and tiles, which these buckets track), and the two transposes are kept
 * (they change which loads coalesce). The class is packed into one number so the backend can
 * look a product's choice up on every dispatch without allocating (docs/gpu.md "Kernels tuned
 * for the adapter").
 */
import type { MatmulParams } from '../../backend';

/** ⌈log2 x⌉ for x ≥ 1 (0 for 1). */
export function log2Bucket(x: number): number {
  if (!(x >= 1)) throw new Error(`shape class: ${x} is not a positive size`);
  let b = 0;
  while (2 ** b < x) b++;
  return b;
}

/** The class of a product, as one integer (5 bits per bucketed size, 2 for the transposes). */
export function matmulClass(p: Pick<MatmulParams, 'batch' | 'm' | 'n' | 'k' | 'transA' | 'transB'>): number {
  const key = ((log2Bucket(p.batch) * 32 + log2Bucket(p.m)) * 32 + log2Bucket(p.n)) * 32 + log2Bucket(p.k);
  return key * 4 + (p.transA ? 2 : 0) + (p.transB ? 1 : 0);
}

/** The readable name of a class, used as its key in the tuning cache: `matmul b≤8 m≤512 n≤128 k≤32 Bᵀ`. */
export function matmulClassLabel(cls: number): string {
  const transB = cls & 1;
  const transA = (cls >> 1) & 1;
  let rest = Math.floor(cls / 4);
  const k = rest % 32;
  rest = Math.floor(rest / 32);
  const n = rest % 32;
  rest = Math.floor(rest / 32);
  const m = rest % 32;
  const b = Math.floor(rest / 32);
  const t = `${transA ? ' Aᵀ' : ''}${transB ? ' Bᵀ' : ''}`;
  return `matmul b≤${2 ** b} m≤${2 ** m} n≤${2 ** n} k≤${2 ** k}${t}`;
}
