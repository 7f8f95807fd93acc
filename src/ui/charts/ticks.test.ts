import { describe, expect, it } from 'vitest';
import { formatNumber } from './chartData';
import { extent, linearAxis, logAxis, logAxisOf, niceStep, runStepAxis, stepAxis } from './ticks';

describe('axis ticks', () => {
  it('picks 1, 2, 2.5, 5 times a power of ten', () => {
    expect([0.7, 1, 1.2, 2.2, 3, 7, 12, 0.013].map(niceStep)).toEqual([1, 1, 2, 2.5, 5, 10, 20, 0.02]);
  });

  it('widens a linear domain to whole steps, with ticks that print distinctly', () => {
    const a = linearAxis(2.03, 2.38);
    expect(a.domain).toEqual([2, 2.4]);
    expect(a.ticks).toEqual([2, 2.1, 2.2, 2.3, 2.4]);
    // The throughput chart printed the same label twice after rounding; nice steps cannot.
    const t = linearAxis(1234.5, 1301.2);
    const labels = t.ticks.map((v) => formatNumber(v));
    expect(new Set(labels).size).toBe(labels.length);
    expect(t.domain[0]).toBeLessThanOrEqual(1234.5);
    expect(t.domain[1]).toBeGreaterThanOrEqual(1301.2);
  });

  it('never gives equal ticks or equal labels for a (nearly) flat series', () => {
    // Seen in the throughput chart: raw and smoothed copies of 3191.12… one ulp apart.
    for (const [a, b] of [
      [3191.1246844710854, 3191.124684471086],
      [3298.7, 3299.2],
      [0.5, 0.50001],
      [99_990, 100_010],
    ]) {
      const { ticks, domain } = linearAxis(a, b);
      expect(new Set(ticks).size, `${a}..${b}: ${ticks}`).toBe(ticks.length);
      const labels = ticks.map((v) => formatNumber(v));
      expect(new Set(labels).size, `${a}..${b}: ${labels}`).toBe(labels.length);
      expect(domain[0]).toBeLessThanOrEqual(a);
      expect(domain[1]).toBeGreaterThanOrEqual(b);
      expect(ticks.length).toBeGreaterThanOrEqual(2);
    }
  });

  it('handles a flat series, negative values and no data', () => {
    expect(linearAxis(0, 0).domain).toEqual([-1, 1]);
    const flat = linearAxis(5, 5);
    expect(flat.domain[0]).toBeLessThan(5);
    expect(flat.domain[1]).toBeGreaterThan(5);
    expect(linearAxis(-3, 1).ticks).toEqual([-3, -2, -1, 0, 1]);
    expect(linearAxis(NaN, Infinity).domain).toEqual([0, 1]);
  });

  it('steps in KiB/MiB for bytes', () => {
    const a = linearAxis(0, 3.3 * 2 ** 20, 5, 1024);
    expect(a.ticks.map((v) => formatNumber(v, 'bytes'))).toEqual(['0 B', '1.0 MiB', '2.0 MiB', '3.0 MiB', '4.0 MiB']);
  });

  it('gives whole decades on a log axis, with 2 and 5 between over a short range', () => {
    expect(logAxis(0.03, 2.4)).toEqual({ domain: [0.01, 10], ticks: [0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10] });
    expect(logAxis(1e-6, 10).ticks).toEqual([1e-6, 1e-5, 1e-4, 1e-3, 0.01, 0.1, 1, 10]);
    expect(logAxis(1e-12, 1).ticks).toEqual([1e-12, 1e-10, 1e-8, 1e-6, 1e-4, 0.01, 1]);
    expect(logAxis(0, 1).domain).toEqual([1, 10]);
  });

  it('labels a log axis distinctly when the values barely move (the pseudo-inverse residual)', () => {
    for (const values of [
      [1.2e-6, 1.2001e-6, 1.2002e-6, 1.2003e-6, 1.2004e-6, 1.2005e-6],
      [0.5, 0.5000001],
      [3, 3],
      [812.4, 813.1, 812.9], // scaling-sweep throughputs a few percent apart
    ]) {
      const axis = logAxisOf(values)!;
      const labels = axis.ticks.map((v) => formatNumber(v));
      expect(new Set(labels).size, `${values}: ${labels}`).toBe(labels.length);
      expect(axis.ticks.length).toBeGreaterThanOrEqual(2);
      expect(axis.domain[0]).toBeLessThanOrEqual(Math.min(...values));
      expect(axis.domain[1]).toBeGreaterThanOrEqual(Math.max(...values));
    }
    expect(logAxisOf([0.02, 0, -1, NaN, undefined, 0.3])).toEqual(logAxis(0.02, 0.3));
    expect(logAxisOf([0, NaN])).toBeNull();
  });

  it('ends the step axis on the next whole tick, never two ticks on top of each other', () => {
    expect(stepAxis(1, 64)).toEqual({ domain: [1, 80], ticks: [20, 40, 60, 80] });
    expect(stepAxis(1, 61)).toEqual(stepAxis(1, 79)); // the axis holds still between ticks
    expect(stepAxis(0, 400).ticks).toEqual([0, 100, 200, 300, 400]);
    expect(stepAxis(5, 7).ticks).toEqual([5, 6, 7]);
    expect(stepAxis(3, 3)).toEqual({ domain: [2, 4], ticks: [3] });
  });

  it('spans the whole run when its last step is known and the data lies in it', () => {
    expect(runStepAxis(1, 64, 400)).toEqual(stepAxis(0, 400));
    expect(runStepAxis(1, 500, 400)).toEqual(stepAxis(1, 500)); // data past the run's end
    expect(runStepAxis(1, 64)).toEqual(stepAxis(1, 64));
  });

  it('finds the extent of several series, ignoring non-finite points', () => {
    expect(
      extent([
        [
          { x: 1, y: 2 },
          { x: 3, y: NaN },
        ],
        [{ x: 2, y: -1 }],
      ]),
    ).toEqual({ x: [1, 2], y: [-1, 2] });
    expect(extent([[]])).toBeNull();
  });
});
