/** Reference loops for the optimizer kernels: squared norm, clipping coefficient, AdamW, finite check. */
import { GROUP_ALIGN, type AdamWParams } from '../backend';
import type { CpuArray } from './pool';

/** out[0] (+)= Σ x². */
export function sumSquares(x: CpuArray, out: CpuArray, accumulate: boolean): void {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += x[i] * x[i];
  out[0] = accumulate ? out[0] + s : s;
}

/** out[0] = min(1, maxNorm / (‖g‖ + 1e-6)), as torch.nn.utils.clip_grad_norm_; maxNorm ≤ 0 disables clipping. */
export function clipCoefficient(sumSq: CpuArray, out: CpuArray, maxNorm: number): void {
  out[0] = maxNorm <= 0 ? 1 : Math.min(1, maxNorm / (Math.sqrt(sumSq[0]) + 1e-6));
}

/**
 * One AdamW step, torch.optim.AdamW semantics (decoupled decay applied before the moment update);
 * with `decayBlocks`, element i decays by decayBlocks[⌊i / GROUP_ALIGN⌋] (a group of parameters).
 */
export function adamw(
  param: CpuArray,
  grad: CpuArray,
  m: CpuArray,
  v: CpuArray,
  gradScale: CpuArray | null,
  p: AdamWParams,
  decayBlocks: CpuArray | null = null,
): void {
  const scale = gradScale ? gradScale[0] : 1;
  const bc1 = 1 - p.beta1 ** p.step;
  const bc2 = 1 - p.beta2 ** p.step;
  for (let i = 0; i < param.length; i++) {
    const g = grad[i] * scale;
    const wd = decayBlocks ? decayBlocks[Math.floor(i / GROUP_ALIGN)] : p.weightDecay;
    param[i] = param[i] - p.lr * wd * param[i];
    m[i] = p.beta1 * m[i] + (1 - p.beta1) * g;
    v[i] = p.beta2 * v[i] + (1 - p.beta2) * g * g;
    param[i] = param[i] - (p.lr * (m[i] / bc1)) / (Math.sqrt(v[i] / bc2) + p.eps);
  }
}

/** out[0] = 1 if any element is NaN or ±Inf; otherwise out is left as it is. */
export function checkFinite(x: CpuArray, out: CpuArray): void {
  for (let i = 0; i < x.length; i++)
    if (!Number.isFinite(x[i])) {
      out[0] = 1;
      return;
    }
}
