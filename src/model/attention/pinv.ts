/**
 * Iterative Moore–Penrose pseudo-inverse of Nyströmformer (Xiong et al. 2021, Lemma 1).
 *
 * Paper and reference code: Z_{j+1} = ¼ Z_j (13I − A Z_j (15I − A Z_j (7I − A Z_j))), A = K2.
 * Initialisation (docs/models.md "Pseudo-inverse", both selectable):
 *   'per-matrix': Z_0 = Aᵀ / max_j Σ_i |A_ij| per (sample, head);
 *   'global':     the same max over the whole batch and all heads (what the reference code runs).
 * Our readings (docs/model-contract.md): gradients flow through the max (ties share it) and
 * every iteration; a matrix that is all zeros (every column dropped) keeps the scale 1, so Z = 0.
 */
import {
  abs,
  add,
  affine,
  concat,
  div,
  eye,
  fusionEnabled,
  matmul,
  max,
  maxAll,
  noGrad,
  pinvInit,
  pinvIteration,
  reshape,
  scale,
  sqrt,
  square,
  sub,
  sum,
  transpose,
  type Tensor,
} from '../../engine';
import type { PinvInit } from './nystromKernels';

/** 1 where every column of a 0/1 keep mask [..., m] is dropped, else 0 (per matrix, or over all for 'global'). */
export function allDropped(columns: Tensor, init: PinvInit): Tensor {
  if (init === 'global') return affine(maxAll(columns), -1, 1);
  const lead = columns.shape.slice(0, -1);
  return reshape(affine(max(columns, -1), -1, 1), [...lead, 1, 1]);
}

/**
 * Z_0 = Aᵀ / (max absolute column sum). `dropped` (from `allDropped`) is added to the scale:
 * it is 1 exactly where the scale is 0 (A all zeros), so the division stays defined.
 * 'per-matrix' is the engine's fused op (one dispatch forward, one backward); under
 * `withoutFusion`, and for 'global', the composed ops below, its reference.
 */
export function initialInverse(a: Tensor, init: PinvInit, dropped: Tensor | null = null): Tensor {
  if (init === 'per-matrix' && fusionEnabled()) return pinvInit(a, dropped);
  const columnSums = sum(abs(a), -2); // [..., m]: Σ_i |A_ij| per column j
  const lead = a.shape.slice(0, -2);
  let denominator = init === 'global' ? maxAll(columnSums) : reshape(max(columnSums, -1), [...lead, 1, 1]);
  if (dropped) denominator = add(denominator, dropped);
  return div(transpose(a), denominator);
}

/**
 * One step Z ← ¼ Z (13I − AZ (15I − AZ (7I − AZ))): the engine's fused op (8 dispatches
 * forward, 8 backward), or under `withoutFusion` these composed ops (11 and 12), its reference.
 */
function pinvStep(a: Tensor, z: Tensor): Tensor {
  if (fusionEnabled()) return pinvIteration(a, z);
  const m = a.shape[a.shape.length - 1];
  const be = a.backend;
  const az = matmul(a, z);
  const inner = sub(eye(be, m, [], 7), az);
  const middle = sub(eye(be, m, [], 15), matmul(az, inner));
  const outer = sub(eye(be, m, [], 13), matmul(az, middle));
  return matmul(scale(z, 0.25), outer);
}

/** ‖I − A·Z‖_F per matrix: [..., m, m] → [...] (views only: no gradient). */
export function pinvResidual(a: Tensor, z: Tensor): Tensor {
  return noGrad(() => {
    const m = a.shape[a.shape.length - 1];
    const r = sub(eye(a.backend, m), matmul(a, z));
    return sqrt(sum(sum(square(r), -1), -1));
  });
}

/**
 * Z ≈ A⁺ for A [..., m, m] after `iterations` steps. With `residuals`, also ‖I − A·Z_k‖_F for
 * k = 0 (the initialisation) … iterations, stacked on a last axis [..., iterations + 1].
 */
export function iterativePinv(
  a: Tensor,
  iterations: number,
  init: PinvInit,
  dropped: Tensor | null = null,
  residuals = false,
): { z: Tensor; residuals: Tensor[] | null } {
  if (!Number.isInteger(iterations) || iterations < 0) throw new Error(`pinvIterations must be an integer ≥ 0, got ${iterations}`);
  let z = initialInverse(a, init, dropped);
  const list = residuals ? [pinvResidual(a, z)] : null;
  for (let j = 0; j < iterations; j++) {
    z = pinvStep(a, z);
    list?.push(pinvResidual(a, z));
  }
  return { z, residuals: list };
}

/** Tensors of equal shape [...] stacked on a new last axis → [..., count] (the residual list). */
export function stackLast(xs: readonly Tensor[]): Tensor {
  return concat(
    xs.map((x) => reshape(x, [...x.shape, 1])),
    -1,
  );
}
