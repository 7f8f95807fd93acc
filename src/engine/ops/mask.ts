/** Masking and dropout: masked fill, seeded dropout masks, and dropout with an explicit mask (for parity tests). */
import type { Tensor } from '../tensor';
import { add, affine, mul, scale } from './elementwise';
import { checkInputs, output } from './util';

/** x where mask = 0, `value` where mask = 1 (mask broadcasts; 0/1 floats): x·(1 − mask) + value·mask. */
export function maskedFill(x: Tensor, mask: Tensor, value: number): Tensor {
  return add(mul(x, affine(mask, -1, 1)), scale(mask, value));
}

/**
 * The dropout multiplier for `shape`: 1/(1 − p) where kept (probability 1 − p), 0 elsewhere.
 * Element i draws u(seed, offset + i) from the shared counter-based generator and is kept
 * when u ≥ p, so every backend draws the same mask. Not differentiable (a constant).
 */
export function dropoutMask(like: Tensor, shape: readonly number[], p: number, seed: number, offset: number): Tensor {
  if (!(p >= 0 && p < 1)) throw new Error(`dropoutMask: p = ${p} must be in [0, 1)`);
  const m = output(like, shape, 'dropout mask');
  like.backend.dropoutMask(m.buf, seed, offset, p, 1 / (1 - p));
  return m;
}

/** Hands out disjoint counter ranges of one seed, so successive dropout sites draw independent masks. */
export class DropoutStream {
  constructor(
    readonly seed: number,
    public offset = 0,
  ) {}
  /** Reserve `count` draws; returns the first counter. */
  take(count: number): number {
    const at = this.offset;
    this.offset = (this.offset + count) >>> 0;
    return at;
  }
  /** Reserve `count` draws with no batch axis, which every micro-batch of a step shares (Reformer's rotations). */
  takeShared(count: number): number {
    return this.take(count);
  }
}

/** Inverted dropout with a drawn mask: x ⊙ mask, mask from `stream` (p = 0 returns x itself). */
export function dropout(x: Tensor, p: number, stream: DropoutStream): Tensor {
  if (p === 0) return x;
  const m = dropoutMask(x, x.shape, p, stream.seed, stream.take(x.size));
  return mul(x, m);
}

/** Dropout with an explicit multiplier mask (0 or 1/(1 − p)), which may broadcast. */
export function dropoutWith(x: Tensor, mask: Tensor): Tensor {
  checkInputs('dropoutWith', [x, mask]);
  return mul(x, mask);
}
