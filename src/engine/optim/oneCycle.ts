/**
 * torch.optim.lr_scheduler.OneCycleLR (two phases, as three_phase=False): the learning rate
 * rises from maxLr/divFactor to maxLr over the first pctStart of the steps, then falls to
 * maxLr/(divFactor·finalDivFactor); with cycleMomentum, β1 moves the opposite way between
 * maxMomentum and baseMomentum.
 *
 * One departure: PyTorch divides by zero (ZeroDivisionError) when a phase has zero length,
 * e.g. a one-step warm-up (pctStart·totalSteps = 1) or a one-step run. Here a zero-length
 * phase is a single point that has already reached its end value: a one-step warm-up runs
 * its only step at maxLr, and when the warm-up fills every step the step after the last
 * (`at(totalSteps)`) is at the final learning rate. Every other step matches PyTorch exactly.
 */

export interface OneCycleOptions {
  maxLr: number;
  totalSteps: number;
  pctStart?: number;
  divFactor?: number;
  finalDivFactor?: number;
  anneal?: 'linear' | 'cos';
  cycleMomentum?: boolean;
  baseMomentum?: number;
  maxMomentum?: number;
}

interface Phase {
  end: number;
  lr: [number, number];
  momentum: [number, number];
}

export class OneCycleLR {
  readonly totalSteps: number;
  readonly cycleMomentum: boolean;
  private readonly phases: Phase[];
  private readonly anneal: 'linear' | 'cos';

  constructor(o: OneCycleOptions) {
    const pct = o.pctStart ?? 0.3;
    const div = o.divFactor ?? 25;
    const finalDiv = o.finalDivFactor ?? 1e4;
    if (!Number.isInteger(o.totalSteps) || o.totalSteps < 1)
      throw new Error(`OneCycleLR: totalSteps ${o.totalSteps} must be a positive integer`);
    if (!(pct >= 0 && pct <= 1)) throw new Error(`OneCycleLR: pctStart ${pct} must be in [0, 1]`);
    if (!(o.maxLr > 0) || !(div > 0) || !(finalDiv > 0))
      throw new Error(`OneCycleLR: maxLr ${o.maxLr}, divFactor ${div} and finalDivFactor ${finalDiv} must be positive`);
    this.totalSteps = o.totalSteps;
    this.cycleMomentum = o.cycleMomentum ?? true;
    this.anneal = o.anneal ?? 'linear';
    const initial = o.maxLr / div;
    const min = initial / finalDiv;
    const base = o.baseMomentum ?? 0.85;
    const max = o.maxMomentum ?? 0.95;
    this.phases = [
      { end: pct * o.totalSteps - 1, lr: [initial, o.maxLr], momentum: [max, base] },
      { end: o.totalSteps - 1, lr: [o.maxLr, min], momentum: [base, max] },
    ];
  }

  private interpolate(start: number, end: number, pct: number): number {
    if (this.anneal === 'cos') return end + ((start - end) / 2) * (Math.cos(Math.PI * pct) + 1);
    return (end - start) * pct + start;
  }

  /**
   * The learning rate and β1 for 0-based step `step` (the values PyTorch's optimizer holds
   * when it takes its (step+1)-th step). β1 is undefined when momentum does not cycle.
   */
  at(step: number): { lr: number; beta1: number | undefined } {
    if (!Number.isInteger(step) || step < 0 || step > this.totalSteps)
      throw new Error(`OneCycleLR: step ${step} is outside [0, ${this.totalSteps}]`);
    let start = 0;
    for (let i = 0; i < this.phases.length; i++) {
      const ph = this.phases[i];
      if (step <= ph.end || i === this.phases.length - 1) {
        // A zero-length phase (PyTorch: ZeroDivisionError) is at its end value; the tolerance
        // absorbs pctStart·totalSteps landing one ulp off an integer.
        const pct = Math.abs(ph.end - start) < 1e-9 ? 1 : (step - start) / (ph.end - start);
        return {
          lr: this.interpolate(ph.lr[0], ph.lr[1], pct),
          beta1: this.cycleMomentum ? this.interpolate(ph.momentum[0], ph.momentum[1], pct) : undefined,
        };
      }
      start = ph.end;
    }
    throw new Error('unreachable');
  }
}
