/**
 * The optimizer's memory as groups (`Backend.allocGroup`): the parameters, their gradients and
 * the two AdamW moments each laid end to end in one buffer with one layout, so AdamW over every
 * parameter is one dispatch and the gradient norm one reduction (docs/gpu.md "Dispatches per
 * step"). The parameters move into their group (`Tensor.rebind`: views follow); a gradient is
 * placed in its part when backward first creates it (`Tensor.gradHome`), so a parameter the
 * loss never reaches still has no gradient, as in PyTorch.
 */
import { GROUP_ALIGN, type Backend, type Buf, type BufGroup } from '../backend';
import { Tensor } from '../tensor';

export class ParameterGroups {
  readonly weights: BufGroup;
  readonly grads: BufGroup;
  readonly m: Tensor[];
  readonly v: Tensor[];
  private readonly moments: BufGroup[];
  /** The wholes of the two moment groups. */
  readonly mWhole: Buf;
  readonly vWhole: Buf;
  /** Weight decay per GROUP_ALIGN block of the wholes ('optimizer' memory; rebuilt when it changes). */
  readonly decayBlocks: Tensor;
  private decayWd = Number.NaN;
  private readonly decayHad: Uint8Array;

  constructor(
    readonly backend: Backend,
    private readonly params: readonly Tensor[],
  ) {
    const sizes = params.map((p) => p.size);
    const names = (what: string) => params.map((p) => (what ? `${p.name}.${what}` : p.name));
    this.weights = backend.allocGroup(sizes, 'f32', 'weights', names(''));
    this.grads = backend.allocGroup(sizes, 'f32', 'gradients', names('grad'));
    this.moments = ['exp_avg', 'exp_avg_sq'].map((what) => backend.allocGroup(sizes, 'f32', 'optimizer', names(what)));
    const copy = (from: Tensor, to: Tensor | { size: number; buf: typeof from.buf }) =>
      backend.copyStrided(from.buf, to.buf, [1, 1, 1, from.size], [0, 0, 0, 1], 0, [0, 0, 0, 1], 0, 1, false);
    params.forEach((p, i) => {
      copy(p, { size: p.size, buf: this.weights.parts[i] });
      p.rebind(this.weights.parts[i]);
      const home = Tensor.wrap(backend, this.grads.parts[i], p.shape, `${p.name}.grad`);
      if (p.grad) {
        copy(p.grad, home);
        p.grad.dispose();
        p.grad = home;
      } else p.gradHome = home;
    });
    [this.m, this.v] = this.moments.map((g, k) =>
      g.parts.map((b, i) => Tensor.wrap(backend, b, params[i].shape, `${params[i].name}.${k === 0 ? 'exp_avg' : 'exp_avg_sq'}`)),
    );
    [this.mWhole, this.vWhole] = this.moments.map((g) => g.whole);
    this.decayHad = new Uint8Array(params.length);
    this.decayBlocks = Tensor.empty(backend, [this.weights.whole.size / GROUP_ALIGN], {
      category: 'optimizer',
      label: 'weight decay per block',
    });
  }

  /** Whether every parameter and gradient still lives in its part (nothing replaced them since). */
  intact(): boolean {
    return this.params.every(
      (p, i) =>
        !p.disposed && p.buf === this.weights.parts[i] && (p.grad === null || (!p.grad.disposed && p.grad.buf === this.grads.parts[i])),
    );
  }

  /**
   * The decay table for this step: `weightDecay` on the blocks of parameters that decay and have
   * a gradient, 0 elsewhere (a parameter without a gradient, all zeros in the group, is then left
   * exactly as it is, as PyTorch skips it). Uploaded only when it changes.
   */
  decayTable(decays: readonly boolean[], weightDecay: number): Tensor {
    let same = weightDecay === this.decayWd;
    for (let i = 0; i < this.params.length && same; i++) same = this.decayHad[i] === (decays[i] && this.params[i].grad ? 1 : 0);
    if (!same) {
      const table = new Float64Array(this.decayBlocks.size);
      this.params.forEach((p, i) => {
        this.decayHad[i] = decays[i] && p.grad ? 1 : 0;
        if (!this.decayHad[i]) return;
        const first = this.weights.offsets[i] / GROUP_ALIGN;
        table.fill(weightDecay, first, first + Math.ceil(p.size / GROUP_ALIGN));
      });
      this.backend.write(this.decayBlocks.buf, table);
      this.decayWd = weightDecay;
    }
    return this.decayBlocks;
  }

  dispose(): void {
    for (const t of [...this.m, ...this.v, this.decayBlocks]) t.dispose();
    for (const p of this.params) {
      p.gradHome?.dispose();
      p.gradHome = null;
    }
    for (const g of [this.weights, this.grads, ...this.moments]) this.backend.free(g.whole);
  }
}
