/**
 * Padding in the layouts the attention reads (docs/model-contract.md, "Readings fixed here"):
 * the additive key mask is −1e9·(1 − mask) everywhere (softmax attention, K3, the `attend`
 * injection); segment means count padded rows in their length, as the reference code.
 */
import { add, affine, div, mul, relu, reshape, sum, type Tensor } from '../../engine';
import type { TowerMask } from '../types';

/** The value added to the logits of padded keys. */
export const KEY_MASK_VALUE = -1e9;

/** mask f32 [B, n] → the tower's mask layouts. */
export function towerMask(mask: Tensor): TowerMask {
  const [b, n] = mask.shape;
  return {
    mask,
    keyBias: reshape(affine(mask, -KEY_MASK_VALUE, KEY_MASK_VALUE), [b, 1, 1, n]),
    rows: reshape(mask, [b, 1, n, 1]),
    column: reshape(mask, [b, n, 1]),
  };
}

/** Σ mask·x / max(Σ mask, 1) over the sequence: x [B, n, c] → [B, c] (an all-padding row gives 0). */
export function maskedMean(x: Tensor, m: TowerMask): Tensor {
  const count = sum(m.mask, 1, { keepDim: true }); // [B, 1]
  // max(count, 1) = count + relu(1 − count) for count ≥ 0 (no comparison kernel needed).
  const denominator = add(count, relu(affine(count, -1, 1)));
  return div(sum(mul(x, m.column), 1), denominator);
}
