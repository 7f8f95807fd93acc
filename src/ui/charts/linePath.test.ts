import { describe, expect, it } from 'vitest';
import { linePath, stackedAreaPaths } from './linePath';

const x = (v: number) => 10 * v;
const y = (v: number) => 100 - v;

describe('chart paths', () => {
  it('draws a line through the points with the chart’s scales', () => {
    expect(
      linePath(
        [
          { x: 0, y: 1 },
          { x: 1, y: 2.25 },
          { x: 2, y: 3 },
        ],
        x,
        y,
      ),
    ).toBe('M0,99L10,97.8L20,97');
    expect(linePath([], x, y)).toBe('');
  });

  it('breaks the line at a non-finite point or one the scale does not know', () => {
    expect(
      linePath(
        [
          { x: 0, y: 1 },
          { x: 1, y: NaN },
          { x: 2, y: 3 },
          { x: 3, y: 4 },
        ],
        x,
        y,
      ),
    ).toBe('M0,99M20,97L30,96');
    const partial = (v: number) => (v === 1 ? undefined : 10 * v);
    expect(
      linePath(
        [
          { x: 0, y: 1 },
          { x: 1, y: 2 },
          { x: 2, y: 3 },
        ],
        partial,
        y,
      ),
    ).toBe('M0,99M20,97');
  });

  it('stacks areas on each other, missing values as zero', () => {
    const rows = [
      { step: 0, a: 1, b: 2 },
      { step: 1, a: 3, b: NaN },
    ];
    expect(stackedAreaPaths(rows, 'step', ['a', 'b'], x, y)).toEqual(['M0,99L10,97L10,100L0,100Z', 'M0,97L10,97L10,97L0,99Z']);
    expect(stackedAreaPaths([], 'step', ['a'], x, y)).toEqual(['']);
  });
});
