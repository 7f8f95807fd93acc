/**
 * Where the current run stands, for the status line: the step (the worker's state messages come
 * only when the state changes, so the metrics rows, posted every fraction of a second, carry the
 * step in between), the fraction done and the time left.
 */
import type { MetricsBuffer } from '../io/metrics';
import { remainingMs } from '../train/eta';

export interface RunProgress {
  step: number;
  totalSteps: number;
  /** In [0, 1]. */
  fraction: number;
  /** Time left at the recent pace (ms); NaN until two rows with a step time have come. */
  etaMs: number;
}

/** Rows the pace is measured over: recent enough to follow a change of speed, long enough to be steady. */
export const PACE_ROWS = 256;

/**
 * The pace is the training time per step of the last `PACE_ROWS` rows: each row's `msPerStep`
 * times the steps since the row before (the command line's elapsed ÷ done, src/train/eta.ts,
 * without the time a run spent paused, building, evaluating or checkpointing between reads).
 */
export function runProgress(s: { step: number; totalSteps: number }, buffer: MetricsBuffer | null): RunProgress {
  let step = s.step;
  let etaMs = NaN;
  if (buffer && buffer.length > 0) {
    const steps = buffer.column('step');
    const ms = buffer.column('msPerStep');
    let elapsed = 0;
    let covered = 0;
    let prev = NaN;
    for (let i = Math.max(0, buffer.length - PACE_ROWS); i < buffer.length; i++) {
      if (Number.isFinite(steps[i])) step = Math.max(step, steps[i]);
      if (!Number.isFinite(ms[i]) || !Number.isFinite(steps[i])) continue;
      if (Number.isFinite(prev) && steps[i] > prev) {
        elapsed += ms[i] * (steps[i] - prev);
        covered += steps[i] - prev;
      }
      prev = steps[i];
    }
    if (s.totalSteps > 0) etaMs = remainingMs(covered, covered + Math.max(0, s.totalSteps - step), elapsed);
  }
  const fraction = s.totalSteps > 0 ? Math.min(1, Math.max(0, step / s.totalSteps)) : 0;
  return { step, totalSteps: s.totalSteps, fraction, etaMs };
}
