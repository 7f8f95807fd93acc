/**
 * The Linear op (`projection`, with and without the head split) and the pseudo-inverse's fused
 * initialisation (`pinvInit`) against the composed ops they replace (model/layers.ts and
 * model/attention/pinv.ts keep those under `withoutFusion`): the same values and gradients on
 * the CPU reference. The WebGPU kernels are compared with the CPU in webgpu/opCases.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { backward } from '../autograd';
import { CpuBackend, type CpuPrecision } from '../cpu/backend';
import { scope, type Tensor } from '../tensor';
import { uniformValues } from './constants';
import * as O from './index';

function leaf(be: CpuBackend, seed: number, shape: number[]): Tensor {
  const t = O.tensor(
    be,
    uniformValues(
      seed,
      shape.reduce((a, b) => a * b, 1),
      -1,
      1,
    ),
    shape,
    'weights',
  );
  t.requiresGrad = true;
  return t;
}

/** Output and every leaf gradient of f(leaves) against a fixed random cotangent. */
function run(precision: CpuPrecision, shapes: number[][], f: (xs: Tensor[]) => Tensor) {
  const be = new CpuBackend(precision);
  const xs = shapes.map((s, i) => leaf(be, i + 1, s));
  const out = scope(() => {
    const y = f(xs);
    const r = O.tensor(be, uniformValues(99, y.size, -1, 1), y.shape);
    backward(O.sumAll(O.mul(y, r)));
    return Array.from(be.readSync(y.buf));
  });
  return { values: [out, ...xs.map((x) => Array.from(be.readSync(x.grad!.buf)))], be };
}

function expectClose(got: number[][], want: number[][], rel: number): void {
  expect(got.length).toBe(want.length);
  got.forEach((g, k) => {
    const scale = Math.max(1e-30, ...want[k].map(Math.abs));
    for (let i = 0; i < g.length; i++) expect(Math.abs(g[i] - want[k][i]), `array ${k}, element ${i}`).toBeLessThanOrEqual(rel * scale);
  });
}

const TOL: Record<CpuPrecision, number> = { f64: 1e-12, f32: 1e-5 };

/** The composed per-matrix initialisation (pinv.ts's reference path). */
function composedInit(a: Tensor, dropped: Tensor | null): Tensor {
  const lead = a.shape.slice(0, -2);
  let s = O.reshape(O.max(O.sum(O.abs(a), -2), -1), [...lead, 1, 1]);
  if (dropped) s = O.add(s, dropped);
  return O.div(O.transpose(a), s);
}

describe('fused layer ops against their composed references', () => {
  for (const precision of ['f64', 'f32'] as const) {
    it(`${precision}: projection equals matmul + bias add, and with heads splitHeads of it`, () => {
      const shapes = [[2, 5, 4], [6, 4], [6]];
      expectClose(
        run(precision, shapes, ([x, w, b]) => O.projection(x, w, b)).values,
        run(precision, shapes, ([x, w, b]) => O.add(O.matmul(x, w, { transB: true }), b)).values,
        TOL[precision],
      );
      expectClose(
        run(precision, shapes, ([x, w, b]) => O.projection(x, w, b, 3)).values,
        run(precision, shapes, ([x, w, b]) => O.splitHeads(O.add(O.matmul(x, w, { transB: true }), b), 3)).values,
        TOL[precision],
      );
    });

    it(`${precision}: pinvInit equals the composed initialisation, with and without the dropped flag, and frees its scratch`, () => {
      const shapes = [[3, 5, 5]];
      const dropped = (a: Tensor) => O.tensor(a.backend, [0, 1, 0], [3, 1, 1]);
      const fused = run(precision, shapes, ([a]) => O.pinvInit(a, dropped(a)));
      expectClose(fused.values, run(precision, shapes, ([a]) => composedInit(a, dropped(a))).values, TOL[precision]);
      expectClose(
        run(precision, shapes, ([a]) => O.pinvInit(a)).values,
        run(precision, shapes, ([a]) => composedInit(a, null)).values,
        TOL[precision],
      );
      expect(fused.be.memory().inUse.scratch).toBe(0);
    });
  }

  it('pinvInit: tied maximal columns share the gradient, as torch.amax (and the composed max)', () => {
    // Columns 0 and 2 have the same absolute sum (3); column 1 is zero (a dropped column).
    const values = [1, 0, -2, -2, 0, 1];
    const run2 = (f: (a: Tensor) => Tensor) => {
      const be = new CpuBackend('f64');
      const a = O.tensor(be, [...values, 0, 0, 0].slice(0, 9), [1, 3, 3], 'weights');
      a.requiresGrad = true;
      const out = scope(() => {
        backward(O.sumAll(O.mul(f(a), O.tensor(be, [1, 2, 3, 4, 5, 6, 7, 8, 9], [1, 3, 3]))));
        return Array.from(be.readSync(a.grad!.buf));
      });
      return out;
    };
    expectClose([run2((a) => O.pinvInit(a))], [run2((a) => composedInit(a, null))], 1e-12);
  });

  it('refuses a dropped flag that wants a gradient, and non-square matrices', () => {
    const be = new CpuBackend();
    const d = O.zeros(be, [2, 1, 1]);
    d.requiresGrad = true;
    expect(() => O.pinvInit(O.zeros(be, [2, 3, 3]), d)).toThrow(/no gradient/);
    expect(() => O.pinvInit(O.zeros(be, [2, 3, 4]))).toThrow(/square/);
    expect(() => O.projection(O.zeros(be, [2, 3, 4]), O.zeros(be, [6, 4]), O.zeros(be, [6]), 4)).toThrow(/divisible/);
  });
});
