/**
 * Nyströmformer's depthwise conv skip on V (reference code: Conv2d(H, H, (k, 1), groups=H)):
 * one length-k kernel per head shared across its d_h channels, zero padding k//2, no bias,
 * cross-correlation as PyTorch (the kernel is not flipped). `conv.weight` is [heads, k],
 * initialised U(±1/√k) as PyTorch's Conv2d default. k = 0 switches it off (no parameter).
 */
import type { ParameterScope, Tensor } from '../../engine';
import type { Initialiser } from '../init';

/** The conv skip's weight [heads, k], or null when k = 0. */
export function createConvSkip(scope: ParameterScope, heads: number, kernel: number, init: Initialiser): Tensor | null {
  if (kernel === 0) return null;
  return scope.create('conv.weight', [heads, kernel], init.uniform(heads * kernel, 1 / Math.sqrt(kernel)));
}
