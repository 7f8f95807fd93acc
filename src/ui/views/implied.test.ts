import { describe, expect, it } from 'vitest';
import { absDiff, errorAgainst, linformerImplied } from './implied';

const mat = (rows: number, cols: number, values: number[]) => ({ rows, cols, data: Float32Array.from(values) });

describe("Linformer's implied n × n attention", () => {
  it('is P·E with padded columns zeroed', () => {
    const p = mat(2, 2, [1, 0, 0.25, 0.75]); // n 2, k 2
    const e = mat(2, 3, [1, 2, 3, 4, 5, 6]); // k 2, n 3
    const implied = linformerImplied(p, e, (j) => j !== 2);
    expect([implied.rows, implied.cols]).toEqual([2, 3]);
    expect(Array.from(implied.data)).toEqual([1, 2, 0, 0.25 + 3, 0.5 + 3.75, 0]);
  });

  it('refuses factors whose k differ', () => {
    expect(() => linformerImplied(mat(1, 2, [1, 1]), mat(3, 1, [1, 1, 1]), () => true)).toThrow(
      'P has 2 columns but E has 3 rows (both must be k)',
    );
  });

  it('measures the error against exact softmax as the worker does', () => {
    const exact = mat(1, 2, [0.5, 0.5]);
    const approx = mat(1, 2, [0.8, 0.5]);
    const d = absDiff(exact, approx).data;
    expect(d[0]).toBeCloseTo(0.3, 6);
    expect(d[1]).toBe(0);
    const err = errorAgainst(exact, approx);
    expect(err.maxAbs).toBeCloseTo(0.3, 6);
    expect(err.relFrobenius).toBeCloseTo(0.3 / Math.SQRT1_2, 5);
  });
});
