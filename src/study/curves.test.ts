import { describe, expect, it } from 'vitest';
import { curvesCsv, curvesSvg, studyCurves } from './curves';
import type { RunOutcome } from './results';
import { READINGS_LISTOPS } from './studies';

const outcome = (arm: string, seed: number, valCurve?: [number, number][]): RunOutcome => ({
  runId: `x.${arm}.s${seed}`,
  arm,
  seed,
  steps: 100,
  testAccuracy: 0.5,
  testExamples: 1000,
  bestValAccuracy: 0.5,
  seqsPerSec: 1,
  peakMemoryPerSeq: 1,
  redundancy: null,
  pinvResidual: null,
  backend: 'cpu',
  valCurve,
});

describe('learning curves of a study', () => {
  const outcomes = [
    outcome('nystrom', 0, [
      [50, 0.2],
      [100, 0.4],
    ]),
    outcome('nystrom', 1, [
      [50, 0.4],
      [100, 0.6],
    ]),
    outcome('nystrom', 2, [[50, 0.3]]),
    outcome('nystrom', 3),
  ];
  it('gives per arm and step the mean and t-interval over the seeds that recorded it, and counts runs without a curve', () => {
    const [nystrom, ...others] = studyCurves(READINGS_LISTOPS, outcomes);
    expect(nystrom.points.map((p) => [p.step, p.n])).toEqual([
      [50, 3],
      [100, 2],
    ]);
    expect(nystrom.points[0].mean).toBeCloseTo(0.3, 12);
    // Three samples 0.2, 0.3, 0.4: sd 0.1, t_{0.975, 2} = 4.3027, half-width 4.3027·0.1/√3.
    expect(nystrom.points[0].half).toBeCloseTo((4.302653 * 0.1) / Math.sqrt(3), 5);
    expect(nystrom.missing).toBe(1);
    expect(others.every((c) => c.points.length === 0)).toBe(true);
    const csv = curvesCsv(studyCurves(READINGS_LISTOPS, outcomes)).split('\n');
    expect(csv[0]).toBe('arm,step,seeds,mean,lo,hi');
    expect(csv).toHaveLength(3);
    expect(csv[2]).toMatch(/^nystrom,100,2,0\.5/);
  });
  it('draws one line per arm with a band, and refuses a study without any curve', () => {
    const svg = curvesSvg(studyCurves(READINGS_LISTOPS, outcomes), 'ListOps <quick>');
    expect(svg.match(/<polyline/g)).toHaveLength(READINGS_LISTOPS.arms.length);
    expect(svg.match(/<polygon/g)).toHaveLength(1);
    expect(svg).toContain('ListOps &lt;quick&gt;');
    expect(svg).toContain('(1 run(s) without a curve)');
    expect(() => curvesSvg(studyCurves(READINGS_LISTOPS, [outcome('nystrom', 0)]), 't')).toThrow(/no learning curves/);
  });
});
