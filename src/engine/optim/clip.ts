/**
 * Clipping by the global gradient norm (torch.nn.utils.clip_grad_norm_) without reading
 * anything back: Σ‖g‖² accumulates on the device, the coefficient min(1, max/(‖g‖ + 1e-6))
 * stays there too, and AdamW multiplies every gradient by it (`gradScale`).
 */
import type { Backend, Buf } from '../backend';
import { Tensor } from '../tensor';

export class GradClipper {
  /** Σ over all gradients of g², one element (read it for the gradient-norm chart). */
  readonly sumSquares: Tensor;
  /** The clipping coefficient, one element; pass it to `AdamW.step({ gradScale })`. */
  readonly coefficient: Tensor;

  constructor(readonly backend: Backend) {
    this.sumSquares = Tensor.empty(backend, [1], { category: 'optimizer', label: 'grad norm²' });
    this.coefficient = Tensor.empty(backend, [1], { category: 'optimizer', label: 'clip coefficient' });
  }

  /**
   * Compute Σ g² over the gradients that exist and the coefficient for `maxNorm` (≤ 0: no
   * clipping, coefficient 1). With `group` (`AdamW.gradientGroup()`: every gradient in one
   * buffer, zeros elsewhere) the sum is one reduction instead of one per gradient.
   */
  compute(params: Iterable<Tensor>, maxNorm: number, group: Buf | null = null): Tensor {
    if (group) {
      this.backend.sumSquares(group, this.sumSquares.buf, false);
      this.backend.clipCoefficient(this.sumSquares.buf, this.coefficient.buf, maxNorm);
      return this.coefficient;
    }
    let first = true;
    for (const p of params) {
      if (!p.grad) continue;
      this.backend.sumSquares(p.grad.buf, this.sumSquares.buf, !first);
      first = false;
    }
    if (first) this.backend.fill(this.sumSquares.buf, 0);
    this.backend.clipCoefficient(this.sumSquares.buf, this.coefficient.buf, maxNorm);
    return this.coefficient;
  }

  /** The global gradient norm of the last compute() (waits for the device). */
  async norm(): Promise<number> {
    return Math.sqrt(await this.sumSquares.item());
  }

  dispose(): void {
    this.sumSquares.dispose();
    this.coefficient.dispose();
  }
}
