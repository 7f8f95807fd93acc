import { describe, expect, it } from 'vitest';
import { MetricsBuffer } from '../io/metrics';
import { formatDuration, remainingMs } from '../train/eta';
import { runProgress } from './runProgress';

describe('time left', () => {
  it('carries the pace so far over what is left, and says when it cannot', () => {
    expect(remainingMs(50, 200, 10_000)).toBe(30_000);
    expect(remainingMs(200, 200, 10_000)).toBe(0);
    expect(remainingMs(0, 200, 10_000)).toBeNaN();
    expect(remainingMs(10, 200, NaN)).toBeNaN();
    expect(formatDuration(30_000)).toBe('00:30');
    expect(formatDuration(3_723_000)).toBe('1:02:03');
    expect(formatDuration(NaN)).toBe('--:--');
  });
});

describe('run progress in the page', () => {
  const rows = (list: [step: number, msPerStep: number][]) => {
    const b = new MetricsBuffer();
    for (const [step, msPerStep] of list) b.append({ step, msPerStep, taskLoss: 1 });
    return b;
  };

  it('follows the metrics rows between state messages (the step counter keeps up)', () => {
    const b = rows([
      [16, 100],
      [32, 100],
      [48, 100],
    ]);
    const p = runProgress({ step: 0, totalSteps: 400 }, b);
    expect(p.step).toBe(48);
    expect(p.fraction).toBeCloseTo(0.12, 12);
    // 100 ms a step over the 352 steps left.
    expect(p.etaMs).toBeCloseTo(35_200, 6);
    // A state message ahead of the rows (pause, with the last steps not read yet) wins.
    expect(runProgress({ step: 50, totalSteps: 400 }, b).step).toBe(50);
  });

  it('measures the pace from the step times, so a pause does not stretch the estimate', () => {
    // Steps 1–32 at 200 ms, then (after a long pause, which no msPerStep includes) 33–64 at 200 ms.
    const b = new MetricsBuffer();
    for (const [step, wallMs] of [
      [16, 3_200],
      [32, 6_400],
      [48, 609_600], // ten minutes paused between steps 32 and 33
      [64, 612_800],
    ])
      b.append({ step, wallMs, msPerStep: 200, taskLoss: 1 });
    b.append({ step: 64, valLoss: 2, valAccuracy: 0.3 }); // an evaluation row has no step time
    expect(runProgress({ step: 64, totalSteps: 100 }, b).etaMs).toBeCloseTo(36 * 200, 6);
  });

  it('has no estimate before two timed rows or without a run length', () => {
    expect(runProgress({ step: 3, totalSteps: 100 }, null)).toEqual({ step: 3, totalSteps: 100, fraction: 0.03, etaMs: NaN });
    expect(runProgress({ step: 0, totalSteps: 100 }, rows([[16, 100]])).etaMs).toBeNaN();
    expect(
      runProgress(
        { step: 0, totalSteps: 0 },
        rows([
          [16, 100],
          [32, 100],
        ]),
      ).fraction,
    ).toBe(0);
  });
});
