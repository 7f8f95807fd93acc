/**
 * How often live views refresh while a run trains. The worker computes views between two
 * training steps, so their cost is training time lost: the interval between refreshes is chosen
 * so that views take at most VIEWS_SHARE of the wall time, and never less than MIN_INTERVAL_MS
 * (a map that changes faster than it can be read helps no one).
 */

/** The largest share of wall time live views may take. */
export const VIEWS_SHARE = 0.1;
/** The shortest wait between the end of one refresh and the next request (ms). */
export const MIN_INTERVAL_MS = 2000;

/** Wait after a refresh that cost `computeMs`, so that compute / (compute + wait) ≤ share. */
export function nextIntervalMs(computeMs: number, share = VIEWS_SHARE, minMs = MIN_INTERVAL_MS): number {
  if (!(share > 0 && share < 1)) throw new Error(`views share must be in (0, 1), got ${share}`);
  const cost = Number.isFinite(computeMs) && computeMs > 0 ? computeMs : 0;
  return Math.max(minMs, (cost * (1 - share)) / share);
}

/** One refresh as the pacing sees it. */
export interface Refresh {
  /** When the reply arrived (ms, any clock) and at which training step. */
  at: number;
  step: number;
  computeMs: number;
}

/** What the last few refreshes cost: the share of wall time and the steps between refreshes (null until two are known). */
export function measuredPace(recent: readonly Refresh[], window = 6): { share: number; steps: number } | null {
  const r = recent.slice(-window);
  if (r.length < 2) return null;
  const wall = r[r.length - 1].at - r[0].at;
  if (!(wall > 0)) return null;
  const spent = r.slice(1).reduce((a, x) => a + x.computeMs, 0);
  return { share: Math.min(1, spent / wall), steps: (r[r.length - 1].step - r[0].step) / (r.length - 1) };
}
