/**
 * AdamW with torch.optim.AdamW semantics (decoupled weight decay, bias-corrected moments). The
 * parameters, gradients and moments live in groups (groups.ts), so one `backend.adamw` kernel
 * updates every parameter, each with its own weight decay from a per-block table; under
 * `withoutFusion` it runs one kernel per parameter, the reference. The learning rate and β1 are
 * arguments of each step, so a schedule changes them without allocating anything.
 */
import type { Buf } from '../backend';
import { fusionEnabled } from '../fusion';
import type { Tensor } from '../tensor';
import { ParameterGroups } from './groups';

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
  private readonly groups: ParameterGroups | null;
  /** Whether each parameter decays (`AdamWOptions.decays`), in slot order. */
  private readonly decays: boolean[];

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
    for (const p of params) {
      if (!p.requiresGrad) throw new Error(`AdamW: ${p.describe()} does not require a gradient`);
      if (p.backend !== params[0].backend) throw new Error(`AdamW: ${p.describe()} lives on another backend than ${params[0].describe()}`);
    }
    this.groups = params.length > 0 ? new ParameterGroups(params[0].backend, params) : null;
    this.slots = params.map((p, i) => ({
      param: p,
      m: this.groups!.m[i],
      v: this.groups!.v[i],
      decay: opts.decays ? opts.decays(p) : true,
    }));
    this.decays = this.slots.map((s) => s.decay);
  }

  /** All gradients as one buffer (zeros where a parameter has none yet), or null when they are not grouped (see `ParameterGroups.intact`). */
  gradientGroup(): Buf | null {
    return fusionEnabled() && this.groups?.intact() ? this.groups.grads.whole : null;
  }

  /** All parameters as one buffer (zeros between them), or null as for `gradientGroup`. */
  parameterGroup(): Buf | null {
    return fusionEnabled() && this.groups?.intact() ? this.groups.weights.whole : null;
  }

  /** One update of every parameter that has a gradient (as PyTorch skips grad = None). */
  step(o: StepOverrides = {}): void {
    if (o.lr !== undefined) this.lr = o.lr;
    if (o.beta1 !== undefined) this.beta1 = o.beta1;
    if (o.gradScale && o.gradScale.size !== 1) throw new Error(`AdamW.step: gradScale ${o.gradScale.describe()} must have one element`);
    this.stepCount++;
    const g = this.groups;
    if (g && fusionEnabled() && g.intact()) {
      // Every parameter in one kernel; the table gives each its decay (0 without a gradient).
      const table = g.decayTable(this.decays, this.weightDecay);
      g.backend.adamw(
        g.weights.whole,
        g.grads.whole,
        g.mWhole,
        g.vWhole,
        o.gradScale?.buf ?? null,
        { lr: this.lr, beta1: this.beta1, beta2: this.beta2, eps: this.eps, weightDecay: 0, step: this.stepCount },
        table.buf,
      );
      return;
    }
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

  /** Free the moments and the groups' own handles (the parameters and gradients belong to their store). */
  dispose(): void {
    this.groups?.dispose();
    this.slots.length = 0;
  }
}
