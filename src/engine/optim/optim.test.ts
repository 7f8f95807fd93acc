/**
 * The optimizer against PyTorch itself (Debian's /usr/bin/python3 with torch 1.13, float64):
 * OneCycleLR's lr and β1 for every step, and AdamW (with clipping) parameter trajectories.
 */
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { CpuBackend } from '../cpu/backend';
import { Tensor } from '../tensor';
import { AdamW } from './adamw';
import { GradClipper } from './clip';
import { OneCycleLR } from './oneCycle';

/** Run a python snippet that prints JSON; throws (failing the test) if python3 or torch is missing. */
function torchJson(code: string): unknown {
  const out = execFileSync('/usr/bin/python3', ['-c', `import json, torch\ntorch.set_default_dtype(torch.float64)\n${code}`], {
    encoding: 'utf8',
  });
  return JSON.parse(out);
}

describe('OneCycleLR matches torch.optim.lr_scheduler.OneCycleLR', () => {
  const configs = [
    { maxLr: 1e-3, totalSteps: 50, pctStart: 0.3, divFactor: 25, finalDivFactor: 1e4, cycleMomentum: true },
    { maxLr: 5e-4, totalSteps: 37, pctStart: 0.1, divFactor: 10, finalDivFactor: 100, cycleMomentum: false },
    { maxLr: 2e-2, totalSteps: 20, pctStart: 0.5, divFactor: 25, finalDivFactor: 1e4, cycleMomentum: true, anneal: 'cos' as const },
  ];
  for (const c of configs)
    it(`${JSON.stringify(c)}`, () => {
      const ref = torchJson(`
p = torch.nn.Parameter(torch.zeros(1))
opt = torch.optim.AdamW([p], lr=${c.maxLr}, betas=(0.9, 0.999))
s = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=${c.maxLr}, total_steps=${c.totalSteps}, pct_start=${c.pctStart},
    anneal_strategy='${c.anneal ?? 'linear'}', div_factor=${c.divFactor}, final_div_factor=${c.finalDivFactor},
    cycle_momentum=${c.cycleMomentum ? 'True' : 'False'}, base_momentum=0.85, max_momentum=0.95)
rows = []
for i in range(${c.totalSteps}):
    g = opt.param_groups[0]
    rows.append([g['lr'], g['betas'][0]])
    opt.step(); s.step()
print(json.dumps(rows))`) as [number, number][];
      const sched = new OneCycleLR(c);
      expect(ref.length).toBe(c.totalSteps);
      ref.forEach(([lr, beta1], i) => {
        const got = sched.at(i);
        expect(Math.abs(got.lr - lr), `lr at step ${i}: ${got.lr} vs ${lr}`).toBeLessThanOrEqual(1e-12 * c.maxLr);
        if (c.cycleMomentum) expect(Math.abs(got.beta1! - beta1), `beta1 at step ${i}`).toBeLessThanOrEqual(1e-12);
        else expect(got.beta1).toBeUndefined();
      });
    });

  it('a zero-length phase (PyTorch: ZeroDivisionError) is at its end value; steps past the end are refused', () => {
    // One-step warm-up: its only step at the peak, then PyTorch's decay over the other 9.
    const oneStep = new OneCycleLR({ maxLr: 1, totalSteps: 10, pctStart: 0.1, divFactor: 10, finalDivFactor: 10 });
    expect(oneStep.at(0)).toEqual({ lr: 1, beta1: 0.85 });
    expect(oneStep.at(9).lr).toBeCloseTo(0.01, 15);
    expect(oneStep.at(1).lr).toBeCloseTo(1 - 0.99 / 9, 15);
    // A one-step run, and a warm-up that fills the run (the decay phase has zero length).
    expect(new OneCycleLR({ maxLr: 1, totalSteps: 1, pctStart: 1 }).at(0).lr).toBe(1);
    const allWarm = new OneCycleLR({ maxLr: 1, totalSteps: 4, pctStart: 1, divFactor: 4, finalDivFactor: 2 });
    for (const [s, lr] of [0.25, 0.5, 0.75, 1, 0.125].entries()) expect(allWarm.at(s).lr, `step ${s}`).toBeCloseTo(lr, 15);
    expect(() => new OneCycleLR({ maxLr: 1, totalSteps: 10 }).at(11)).toThrow(/outside/);
  });
});

describe('AdamW matches torch.optim.AdamW', () => {
  // Two parameters, gradients from a fixed formula, lr and β1 changing every step, one without decay.
  const steps = 6;
  const p0 = [0.5, -1.25, 2, 0.1, -0.3, 0.7];
  const q0 = [1.5, -0.5];
  const grad = (s: number, i: number, scale: number) => scale * Math.sin(1.3 * s + 0.7 * i) * (1 + i);
  const lrAt = (s: number) => 0.01 * (1 + 0.5 * s);
  const beta1At = (s: number) => 0.9 - 0.01 * s;

  for (const maxNorm of [0, 1.5])
    it(`${maxNorm > 0 ? `with clip_grad_norm_(${maxNorm})` : 'without clipping'}`, async () => {
      const ref = torchJson(`
import math
p = torch.nn.Parameter(torch.tensor(${JSON.stringify(p0)}))
q = torch.nn.Parameter(torch.tensor(${JSON.stringify(q0)}))
opt = torch.optim.AdamW([{'params': [p], 'weight_decay': 0.1}, {'params': [q], 'weight_decay': 0.0}], lr=0.01, betas=(0.9, 0.98), eps=1e-8)
out = []
for s in range(${steps}):
    p.grad = torch.tensor([3.0 * math.sin(1.3 * s + 0.7 * i) * (1 + i) for i in range(${p0.length})])
    q.grad = torch.tensor([-2.0 * math.sin(1.3 * s + 0.7 * i) * (1 + i) for i in range(${q0.length})])
    if ${maxNorm} > 0: torch.nn.utils.clip_grad_norm_([p, q], ${maxNorm})
    for g in opt.param_groups:
        g['lr'] = 0.01 * (1 + 0.5 * s); g['betas'] = (0.9 - 0.01 * s, 0.98)
    opt.step()
    out.append(p.detach().tolist() + q.detach().tolist())
print(json.dumps(out))`) as number[][];
      const be = new CpuBackend('f64');
      const mk = (name: string, v: number[]) => {
        const t = Tensor.fromArray(be, v, [v.length], { category: 'weights', label: name });
        t.requiresGrad = true;
        t.grad = Tensor.empty(be, [v.length], { category: 'gradients', label: `${name}.grad` });
        return t;
      };
      const p = mk('p', p0);
      const q = mk('q', q0);
      const opt = new AdamW([p, q], { lr: 0.01, beta1: 0.9, beta2: 0.98, eps: 1e-8, weightDecay: 0.1, decays: (t) => t === p });
      const clip = new GradClipper(be);
      for (let s = 0; s < steps; s++) {
        be.write(
          p.grad!.buf,
          p0.map((_, i) => grad(s, i, 3)),
        );
        be.write(
          q.grad!.buf,
          q0.map((_, i) => grad(s, i, -2)),
        );
        const coef = clip.compute([p, q], maxNorm);
        opt.step({ lr: lrAt(s), beta1: beta1At(s), gradScale: coef });
        const got = [...(await p.read()), ...(await q.read())];
        for (const [i, v] of got.entries())
          expect(Math.abs(v - ref[s][i]), `step ${s} element ${i}: ${v} vs ${ref[s][i]}`).toBeLessThanOrEqual(1e-12);
      }
      if (maxNorm > 0) expect(await clip.coefficient.item()).toBeLessThan(1);
    });
});
