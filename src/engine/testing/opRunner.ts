/**
 * Runs one op case on any Backend: builds its inputs from a seed, runs forward and backward
 * with a fixed random upstream gradient R (the loss is Σ out ⊙ R), and returns the output and
 * every input gradient. Also the float64 finite-difference check and a tolerance comparison.
 */
import type { Backend } from '../backend';
import { numel } from '../backend';
import { backward, noGrad } from '../autograd';
import { randomUniform } from '../cpu/random';
import { Tensor, scope } from '../tensor';
import { mul, sumAll } from '../ops/index';

/** How an input's values are drawn. */
export type InputKind = 'signed' | 'positive' | 'away0' | 'mask01' | 'ids';

export interface InputSpec {
  name: string;
  shape: number[];
  kind?: InputKind;
  /** For 'ids': values in [0, max). */
  max?: number;
}

import type { Tolerance } from './tolerance';

export type { Tolerance };

export interface OpCase {
  name: string;
  inputs: InputSpec[];
  forward(x: Record<string, Tensor>): Tensor;
  /** Finite differences on CpuBackend('f64') vs the analytic gradient. */
  fd: Tolerance;
  /** A float32 backend against the float64 reference (forward and gradients). */
  f32: Tolerance;
}

export interface OpResult {
  shape: readonly number[];
  output: Float64Array;
  grads: Record<string, Float64Array>;
}

const differentiable = (s: InputSpec) => s.kind !== 'mask01' && s.kind !== 'ids';

/** The deterministic values of one input (a salt per input name keeps inputs independent). */
export function inputValues(spec: InputSpec, seed: number, salt: number): number[] {
  const n = numel(spec.shape);
  const u = (i: number) => randomUniform(seed * 7919 + salt, i);
  return Array.from({ length: n }, (_, i) => {
    const r = u(i);
    switch (spec.kind ?? 'signed') {
      case 'signed':
        return 2 * r - 1;
      case 'positive':
        return 0.5 + 1.5 * r;
      case 'away0':
        return (r < 0.5 ? -1 : 1) * (0.2 + 0.8 * randomUniform(seed * 7919 + salt + 1, i));
      case 'mask01':
        return r < 0.3 ? 0 : 1;
      case 'ids':
        return Math.floor(r * (spec.max ?? 2));
    }
    throw new Error(`input kind ${String(spec.kind)} is not one of signed, positive, away0, mask01, ids`);
  });
}

function makeInputs(be: Backend, c: OpCase, seed: number): Record<string, Tensor> {
  const x: Record<string, Tensor> = {};
  c.inputs.forEach((s, i) => {
    const t = Tensor.fromArray(be, inputValues(s, seed, 101 * (i + 1)), s.shape, {
      dtype: s.kind === 'ids' ? 'i32' : 'f32',
      category: 'weights',
      label: s.name,
    });
    t.requiresGrad = differentiable(s);
    x[s.name] = t;
  });
  return x;
}

function upstream(be: Backend, shape: readonly number[], seed: number): Tensor {
  return Tensor.fromArray(
    be,
    Array.from({ length: numel(shape) }, (_, i) => 2 * randomUniform(seed * 31 + 7, i) - 1),
    shape,
    { category: 'weights', label: 'upstream R' },
  );
}

const f64 = (a: ArrayLike<number>) => Float64Array.from(a);

/** Forward and backward of a case on `be`; every buffer it made is released before it returns. */
export async function runOpCase(be: Backend, c: OpCase, seed = 1): Promise<OpResult> {
  const x = makeInputs(be, c, seed);
  try {
    const out = scope(() => {
      const y = c.forward(x);
      const r = upstream(be, y.shape, seed);
      backward(sumAll(mul(y, r)));
      r.dispose();
      return y;
    });
    const result: OpResult = { shape: out.shape, output: f64(await out.read()), grads: {} };
    out.dispose();
    for (const s of c.inputs)
      if (differentiable(s)) {
        const g = x[s.name].grad;
        result.grads[s.name] = g ? f64(await g.read()) : new Float64Array(numel(s.shape));
      }
    return result;
  } finally {
    for (const t of Object.values(x)) {
      t.grad?.dispose();
      t.dispose();
    }
  }
}

/** Central finite differences of Σ out ⊙ R with respect to every differentiable input element. */
export async function finiteDifferences(be: Backend, c: OpCase, seed = 1, h = 1e-6): Promise<Record<string, Float64Array>> {
  const x = makeInputs(be, c, seed);
  const probe = noGrad(() => scope(() => c.forward(x)));
  const r = upstream(be, probe.shape, seed);
  probe.dispose();
  const loss = async () => {
    const l = noGrad(() => scope(() => sumAll(mul(c.forward(x), r))));
    const v = await l.item();
    l.dispose();
    return v;
  };
  const out: Record<string, Float64Array> = {};
  try {
    for (const s of c.inputs) {
      if (!differentiable(s)) continue;
      const t = x[s.name];
      const base = await t.read();
      const g = new Float64Array(t.size);
      for (let i = 0; i < t.size; i++) {
        be.write(t.buf, [base[i] + h], i);
        const up = await loss();
        be.write(t.buf, [base[i] - h], i);
        const down = await loss();
        be.write(t.buf, [base[i]], i);
        g[i] = (up - down) / (2 * h);
      }
      out[s.name] = g;
    }
  } finally {
    r.dispose();
    for (const t of Object.values(x)) t.dispose();
  }
  return out;
}

export interface Comparison {
  ok: boolean;
  maxAbs: number;
  /** Index and values of the worst element relative to its tolerance. */
  worst: { index: number; actual: number; expected: number };
}

/** |actual − expected| ≤ abs + rel·|expected| elementwise (NaN never passes). */
export function compare(actual: ArrayLike<number>, expected: ArrayLike<number>, tol: Tolerance): Comparison {
  if (actual.length !== expected.length) throw new Error(`compare: lengths differ (${actual.length} vs ${expected.length})`);
  let ok = true;
  let maxAbs = 0;
  let worstRatio = -1;
  let worst = { index: -1, actual: NaN, expected: NaN };
  for (let i = 0; i < actual.length; i++) {
    const d = Math.abs(actual[i] - expected[i]);
    const ratio = d / (tol.abs + tol.rel * Math.abs(expected[i]));
    if (!(ratio <= 1)) ok = false;
    maxAbs = Math.max(maxAbs, Number.isNaN(d) ? Infinity : d);
    if (!(ratio <= worstRatio)) {
      worstRatio = Number.isNaN(ratio) ? Infinity : ratio;
      worst = { index: i, actual: actual[i], expected: expected[i] };
    }
  }
  return { ok, maxAbs, worst };
}
