/** Row L2 normalisation (F.normalize over the last axis), composed from differentiable ops. */
import type { Tensor } from '../tensor';
import { affine, div, mul } from './elementwise';
import { sum } from './reduce';
import { sqrt } from './unary';

/**
 * x / √(Σ x² + eps²) over the last axis. Equals F.normalize(x, dim=-1, eps) except for rows
 * whose norm is within a few eps of 0 (F.normalize uses max(‖x‖, eps), which has no kernel).
 */
export function l2Normalize(x: Tensor, eps = 1e-12): Tensor {
  const norm = sqrt(affine(sum(mul(x, x), -1, { keepDim: true }), 1, eps * eps));
  return div(x, norm);
}
