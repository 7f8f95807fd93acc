/** The export-time pseudo-inverse of Proxyformer with injection `none` (pinvConstant.ts). */
import { describe, expect, it } from 'vitest';
import { fixedPinv } from './pinvConstant.ts';
import { tinyConfig } from './testing/harness.ts';
import { randomWeights } from '../testing/random.ts';
import { parameterShapes } from './config.ts';

function residual(a: Float64Array, z: Float64Array, m: number, head: number): number {
  let sum = 0;
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < m; j++) {
      let v = 0;
      for (let t = 0; t < m; t++) v += a[head * m * m + i * m + t] * z[head * m * m + t * m + j];
      sum += (v - (i === j ? 1 : 0)) ** 2;
    }
  }
  return Math.sqrt(sum);
}

describe('fixedPinv', () => {
  for (const proxyParam of ['projected', 'per-head'] as const) {
    it(`converges to K2⁻¹ with enough iterations (${proxyParam})`, () => {
      const c = tinyConfig({ injection: 'none', proxyParam });
      const w = randomWeights(parameterShapes(c), 5);
      const few = fixedPinv({ ...c, pinvIterations: 1 }, w, 0);
      const many = fixedPinv({ ...c, pinvIterations: 30 }, w, 0);
      for (let h = 0; h < c.heads; h++) {
        for (let i = 0; i < c.landmarks; i++) {
          let rowSum = 0;
          for (let j = 0; j < c.landmarks; j++) rowSum += many.k2[h * 16 + i * 4 + j];
          expect(rowSum).toBeCloseTo(1, 12); // K2 is a row softmax
        }
        expect(residual(many.k2, many.z, c.landmarks, h)).toBeLessThan(1e-9);
        expect(residual(few.k2, few.z, c.landmarks, h)).toBeGreaterThan(1e-3);
      }
    });
  }

  it('starts from Aᵀ over the largest column sum, per head or over all heads', () => {
    const c = tinyConfig({ injection: 'none', pinvIterations: 0, heads: 2, landmarks: 4 });
    const w = randomWeights(parameterShapes(c), 9);
    const perMatrix = fixedPinv({ ...c, pinvInit: 'per-matrix' }, w, 1);
    const global = fixedPinv({ ...c, pinvInit: 'global' }, w, 1);
    const m = 4;
    const maxColumnSum = (h: number) =>
      Math.max(...[0, 1, 2, 3].map((j) => [0, 1, 2, 3].reduce((s, i) => s + perMatrix.k2[h * 16 + i * m + j], 0)));
    const overall = Math.max(maxColumnSum(0), maxColumnSum(1));
    for (let h = 0; h < 2; h++) {
      for (let i = 0; i < m; i++) {
        for (let j = 0; j < m; j++) {
          const at = h * 16 + i * m + j,
            transposed = h * 16 + j * m + i;
          expect(perMatrix.z[at]).toBeCloseTo(perMatrix.k2[transposed] / maxColumnSum(h), 14);
          expect(global.z[at]).toBeCloseTo(perMatrix.k2[transposed] / overall, 14);
        }
      }
    }
  });

  it('names a missing parameter', () => {
    const c = tinyConfig({ injection: 'none' });
    const w = randomWeights(parameterShapes(c));
    w.delete('layers.0.attn.proxies');
    expect(() => fixedPinv(c, w, 0)).toThrow(/layers\.0\.attn\.proxies/);
  });
});
