/** The iterative pseudo-inverse on its own: convergence, both initialisations, the all-dropped edge case. */
import { describe, expect, it } from 'vitest';
import { CpuBackend, noGrad, softmax, tensor } from '../engine';
import { allDropped, initialInverse, iterativePinv } from './attention/pinv';

const be = new CpuBackend('f64');

describe('iterative pseudo-inverse', () => {
  it('the residual ‖I − A·Z_k‖_F shrinks at every step and reaches 1e-6 on well-conditioned matrices', async () => {
    const values = Float64Array.from(
      await noGrad(() =>
        softmax(
          tensor(
            be,
            Array.from({ length: 50 }, (_, i) => Math.sin(7 * i) * 3),
            [2, 1, 5, 5],
          ),
        ),
      ).read(),
    );
    for (const init of ['per-matrix', 'global'] as const) {
      const { residuals } = noGrad(() => iterativePinv(tensor(be, values, [2, 1, 5, 5]), 12, init, null, true));
      const r = await Promise.all(residuals!.map((t) => t.read()));
      for (let b = 0; b < 2; b++) {
        for (let k = 1; k < r.length; k++)
          if (r[k - 1][b] > 1e-9) expect(r[k][b], `${init} sample ${b} step ${k}`).toBeLessThan(r[k - 1][b]);
        expect(r[12][b]).toBeLessThan(1e-6);
      }
    }
  });

  it("'per-matrix' scales Z0 by each matrix's max column sum, 'global' by the max over the batch", async () => {
    const a = tensor(be, [1, 2, 3, 4, /* second */ 0.5, 0, 0, 0.25], [2, 2, 2]);
    const per = await noGrad(() => initialInverse(a, 'per-matrix')).read();
    const global = await noGrad(() => initialInverse(a, 'global')).read();
    // Column sums: first [4, 6] → 6; second [0.5, 0.25] → 0.5; global max 6. Z0 = Aᵀ / scale.
    expect(Array.from(per)).toEqual([1 / 6, 3 / 6, 2 / 6, 4 / 6, 1, 0, 0, 0.5]);
    expect(Array.from(global)).toEqual([1 / 6, 3 / 6, 2 / 6, 4 / 6, 0.5 / 6, 0, 0, 0.25 / 6]);
  });

  it('a matrix whose columns were all dropped keeps the scale 1, so Z = 0 (no 0/0)', async () => {
    const columns = tensor(be, [0, 0, 1, 0], [2, 2]);
    const a = tensor(be, [0, 0, 0, 0, 0.5, 0, 0.5, 0], [2, 2, 2]);
    const z = await noGrad(() => iterativePinv(a, 3, 'per-matrix', allDropped(columns, 'per-matrix')).z).read();
    expect(Array.from(z.slice(0, 4))).toEqual([0, 0, 0, 0]);
    expect(Array.from(z.slice(4)).every(Number.isFinite)).toBe(true);
  });
});
