/**
 * Fused attention against the materialized composition softmax(scale·QKᵀ + bias)·V on the
 * float64 CPU reference (forward and all three gradients), its refusals, and the claim it
 * exists for: the pool peak of a forward + backward grows linearly in the number of keys,
 * where the materialized one grows quadratically.
 */
import { describe, expect, it } from 'vitest';
import { backward } from '../autograd';
import { CpuBackend } from '../cpu/backend';
import type { Backend } from '../backend';
import { scope, Tensor } from '../tensor';
import { compare, inputValues } from '../testing/opRunner';
import { add, affine, fusedAttention, matmul, mul, softmax, sumAll } from './index';

function input(be: Backend, shape: number[], salt: number, requiresGrad = true): Tensor {
  const t = Tensor.fromArray(be, inputValues({ name: 'x', shape }, 11, salt), shape, { category: 'weights', label: `in${salt}` });
  t.requiresGrad = requiresGrad;
  return t;
}

function materialized(q: Tensor, k: Tensor, v: Tensor, bias: Tensor | null, scale: number): Tensor {
  const s = matmul(q, k, { transB: true, alpha: scale });
  return matmul(softmax(bias ? add(s, bias) : s), v);
}

/** Output and gradients of Σ w ∘ attention(q, k, v) (w fixed, so every output element matters). */
async function run(fused: boolean, mask: boolean) {
  const be = new CpuBackend('f64');
  const [b, h, nq, nk, dk, dv] = [2, 2, 5, 67, 4, 3];
  const q = input(be, [b, h, nq, dk], 1);
  const k = input(be, [b, h, nk, dk], 2);
  const v = input(be, [b, h, nk, dv], 3);
  const w = input(be, [b, h, nq, dv], 4, false);
  const keep = Array.from({ length: b * nk }, (_, i) => (i % 7 === 3 ? 0 : 1));
  const m = Tensor.fromArray(be, keep, [b, 1, 1, nk], { category: 'weights', label: 'mask' });
  const out = scope(() => {
    const bias = mask ? affine(m, 1e9, -1e9) : null;
    const y = fused ? fusedAttention(q, k, v, bias, { scale: 0.6 }) : materialized(q, k, v, bias, 0.6);
    backward(sumAll(mul(y, w)));
    return y;
  });
  return { y: await out.read(), dq: await q.grad!.read(), dk: await k.grad!.read(), dv: await v.grad!.read() };
}

describe('fusedAttention', () => {
  for (const mask of [false, true])
    it(`equals the materialized softmax attention, forward and gradients${mask ? ', with a key mask' : ''}`, async () => {
      const [a, e] = [await run(true, mask), await run(false, mask)];
      for (const key of ['y', 'dq', 'dk', 'dv'] as const) {
        const r = compare(a[key], e[key], { abs: 1e-12, rel: 1e-10 });
        expect(r.ok, `${key}: worst ${r.worst.actual} vs ${r.worst.expected}`).toBe(true);
      }
    });

  it('refuses shapes that do not fit, naming them', () => {
    const be = new CpuBackend('f32');
    const q = input(be, [1, 2, 3, 4], 1);
    const k = input(be, [1, 2, 5, 3], 2);
    const v = input(be, [1, 2, 5, 2], 3);
    expect(() => fusedAttention(q, k, v, null, { scale: 1 })).toThrow(/q \[1, 2, 3, 4\], k \[1, 2, 5, 3\].*last dimension \(4 vs 3\)/);
    const k2 = input(be, [1, 2, 5, 4], 4);
    const bias = input(be, [1, 1, 1, 5], 5);
    expect(() => fusedAttention(q, k2, v, bias, { scale: 1 })).toThrow(/keyBias is a constant mask/);
  });

  /** Peak pool bytes of one forward + backward of self-attention at n keys (B = 1, H = 2, d_h = 8). */
  function peak(n: number, fused: boolean): number {
    const be = new CpuBackend('f32');
    const [q, k, v] = [1, 2, 3].map((s) => input(be, [1, 2, n, 8], s));
    const base = be.memory().inUse;
    be.resetPeak();
    scope(() => backward(sumAll(fused ? fusedAttention(q, k, v, null, { scale: 0.3 }) : materialized(q, k, v, null, 0.3))));
    return be.memory().peak - (base.weights + base.gradients);
  }

  it('keeps the pool peak linear in n (materialized: quadratic)', () => {
    const [f1, f2] = [peak(256, true), peak(1024, true)];
    const [m1, m2] = [peak(256, false), peak(1024, false)];
    // 4× the length: ≤ 4× the bytes when fused (linear, plus parameter gradients), ≥ 12× materialized (n² dominates).
    expect(f2 / f1).toBeLessThanOrEqual(4.01);
    expect(m2 / m1).toBeGreaterThan(12);
    expect(m2 / f2).toBeGreaterThan(10);
  });
});
