/**
 * AdamW with torch.optim.AdamW semantics (decoupled weight decay, bias-corrected moments),
 * one `backend.adamw` kernel per parameter. The learning rate and β1 are arguments of each
 * step, so a schedule changes them without allocating anything.
 */
import { Tensor } from '../tensor';

export interface AdamWOptions {
  lr: number;
  beta1?: number;
  beta2?: number;
  eps?: number;
  /** Decoupled weight decay (PyTorch's default is 0.01). */
  weightDecay?: number;
  /** Parameters for which this returns false get no weight decay (e.g. biases and LayerNorm). */
  decays?: (p: Tensor) => boolean;
}

export interface StepOverrides {
  lr?: number;
  beta1?: number;
  /** A one-element buffer multiplying every gradient (the clipping coefficient), read on the device. */
  gradScale?: Tensor | null;
}

interface Slot {
  param: Tensor;
  m: Tensor;
  v: Tensor;
  decay: boolean;
}

export class AdamW {
  lr: number;
  beta1: number;
  readonly beta2: number;
  readonly eps: number;
  weightDecay: number;
  /** Steps taken so far (the bias corrections use step + 1 on the next call). */
  stepCount = 0;
  private readonly slots: Slot[];

  constructor(params: readonly Tensor[], opts: AdamWOptions) {
    this.lr = opts.lr;
    this.beta1 = opts.beta1 ?? 0.9;
    this.beta2 = opts.beta2 ?? 0.999;
    this.eps = opts.eps ?? 1e-8;
    this.weightDecay = opts.weightDecay ?? 0.01;
    for (const [k, v] of Object.entries({
      lr: this.lr,
      beta1: this.beta1,
      beta2: this.beta2,
      eps: this.eps,
      weightDecay: this.weightDecay,
    }))
      if (!Number.isFinite(v) || v < 0) throw new Error(`AdamW: ${k} = ${v} must be a finite number ≥ 0`);
    if (this.beta1 >= 1 || this.beta2 >= 1) throw new Error(`AdamW: betas (${this.beta1}, ${this.beta2}) must be below 1`);
    this.slots = params.map((p) => {
      if (!p.requiresGrad) throw new Error(`AdamW: ${p.describe()} does not require a gradient`);
      const state = (what: string) => {
        const t = Tensor.empty(p.backend, p.shape, { category: 'optimizer', label: `${p.name}.${what}` });
        p.backend.fill(t.buf, 0);
        return t;
      };
      return { param: p, m: state('exp_avg'), v: state('exp_avg_sq'), decay: opts.decays ? opts.decays(p) : true };
    });
  }

  /** One update of every parameter that has a gradient (as PyTorch skips grad = None). */
  step(o: StepOverrides = {}): void {
    if (o.lr !== undefined) this.lr = o.lr;
    if (o.beta1 !== undefined) this.beta1 = o.beta1;
    if (o.gradScale && o.gradScale.size !== 1) throw new Error(`AdamW.step: gradScale ${o.gradScale.describe()} must have one element`);
    this.stepCount++;
    for (const s of this.slots) {
      if (!s.param.grad) continue;
      s.param.backend.adamw(s.param.buf, s.param.grad.buf, s.m.buf, s.v.buf, o.gradScale?.buf ?? null, {
        lr: this.lr,
        beta1: this.beta1,
        beta2: this.beta2,
        eps: this.eps,
        weightDecay: s.decay ? this.weightDecay : 0,
        step: this.stepCount,
      });
    }
  }

  /** The moment tensors by parameter name (for checkpoints: `${name}.exp_avg`, `${name}.exp_avg_sq`). */
  state(): { name: string; m: Tensor; v: Tensor }[] {
    return this.slots.map((s) => ({ name: s.param.name, m: s.m, v: s.v }));
  }

  dispose(): void {
    for (const s of this.slots) {
      s.m.dispose();
      s.v.dispose();
    }
    this.slots.length = 0;
  }
}
