/**
 * The fused pseudo-inverse step against the composed ops it replaces: the same values and
 * gradients, to the bit in float64. In float32 the CPU rounds c − s once where the composed ops
 * round s and then c − s (its sums run in float64), so there the two agree to float32 rounding
 * (the WebGPU comparison is in the op cases: webgpu/opCases.test.ts).
 */
import { describe, expect, it } from 'vitest';
import { backward } from '../autograd';
import { CpuBackend, type CpuPrecision } from '../cpu/backend';
import { withoutFusion } from '../fusion';
import { scope, type Tensor } from '../tensor';
import { uniformValues } from './constants';
import * as O from './index';

/** The composed step (the reference pinv.ts runs under withoutFusion). */
function composed(a: Tensor, z: Tensor): Tensor {
  const m = a.shape[a.rank - 1];
  const az = O.matmul(a, z);
  const inner = O.sub(O.eye(a.backend, m, [], 7), az);
  const middle = O.sub(O.eye(a.backend, m, [], 15), O.matmul(az, inner));
  const outer = O.sub(O.eye(a.backend, m, [], 13), O.matmul(az, middle));
  return O.matmul(O.scale(z, 0.25), outer);
}

function run(precision: CpuPrecision, step: (a: Tensor, z: Tensor) => Tensor) {
  const be = new CpuBackend(precision);
  const [b, m] = [3, 6];
  const leaf = (seed: number, lo: number, hi: number) => {
    const t = O.tensor(be, uniformValues(seed, b * m * m, lo, hi), [b, m, m], 'weights');
    t.requiresGrad = true;
    return t;
  };
  const x = leaf(1, 0, 2);
  const z0 = leaf(2, -0.2, 0.2);
  const r = O.tensor(be, uniformValues(3, b * m * m, -1, 1), [b, m, m]);
  const out = scope(() => {
    const a = O.softmax(x);
    // Three steps, so gradients also flow from one fused step into the next.
    const z = step(a, step(a, step(a, z0)));
    backward(O.sumAll(O.mul(z, r)));
    return Array.from(be.readSync(z.buf));
  });
  return { out, dx: Array.from(be.readSync(x.grad!.buf)), dz: Array.from(be.readSync(z0.grad!.buf)), be };
}

describe('pinvIteration', () => {
  for (const precision of ['f64', 'f32'] as const)
    it(`${precision}: equals the composed step, forward and both gradients, and frees its intermediates`, () => {
      const fused = run(precision, O.pinvIteration);
      const reference = withoutFusion(() => run(precision, composed));
      const same = (got: number[], want: number[]) => {
        if (precision === 'f64') return expect(got).toEqual(want);
        const scale = Math.max(...want.map(Math.abs));
        for (let i = 0; i < want.length; i++) expect(Math.abs(got[i] - want[i])).toBeLessThanOrEqual(1e-5 * scale);
      };
      same(fused.out, reference.out);
      same(fused.dx, reference.dx);
      same(fused.dz, reference.dz);
      expect(fused.be.memory().inUse.scratch).toBe(0);
      expect(fused.be.memory().inUse.activations).toBe(reference.be.memory().inUse.activations);
    });

  it('refuses operands that are not square matrices of one shape', () => {
    const be = new CpuBackend();
    expect(() => O.pinvIteration(O.zeros(be, [2, 3, 3]), O.zeros(be, [1, 3, 3]))).toThrow(/must be square matrices of one shape/);
  });
});
