/**
 * Axis domains and ticks for the live charts, computed here rather than by recharts: recharts'
 * own "nice" ticks go through decimal.js on every refresh (a good share of a chart's
 * synchronous re-render while the worker streams metrics), and its x ticks at the data's ends
 * drew "61 64" on top of each other. Pure functions, tested without a DOM.
 */

export interface Axis {
  domain: [number, number];
  ticks: number[];
}

/** 1, 2, 2.5 or 5 times a power of ten, the smallest at least `raw`. */
export function niceStep(raw: number): number {
  if (!(raw > 0) || !Number.isFinite(raw)) return 1;
  const p = 10 ** Math.floor(Math.log10(raw));
  for (const m of [1, 2, 2.5, 5, 10]) if (m * p >= raw * (1 - 1e-9)) return m * p;
  return 10 * p;
}

/** Rounds away the float noise of k·step (0.30000000000000004 → 0.3). */
function clean(v: number, step: number): number {
  const digits = Math.max(0, -Math.floor(Math.log10(step)) + 2);
  return Number(v.toFixed(Math.min(20, digits)));
}

/**
 * A linear axis around [min, max]: the domain widened to whole steps and about `count` ticks
 * on it ("auto" domains in recharts' sense). `unit` > 1 picks steps that are nice in that unit
 * (1024 for bytes, so the labels read 1.5 MiB rather than 1.4 MiB).
 */
export function linearAxis(min: number, max: number, count = 5, unit = 1): Axis {
  if (!Number.isFinite(min) || !Number.isFinite(max)) return { domain: [0, 1], ticks: [0, 0.25, 0.5, 0.75, 1] };
  if (min > max) [min, max] = [max, min];
  // A flat series (raw and smoothed copies of one value differ in the last bits) gets a range
  // around its value: ticks a few ulps apart were equal after rounding, and recharts keys its
  // ticks by value, so duplicates left stale labels on the axis.
  if (max - min <= Math.max(Math.abs(min), Math.abs(max)) * 1e-9) {
    const mid = (min + max) / 2;
    const pad = mid === 0 ? 1 : Math.abs(mid) * 0.1;
    min = mid - pad;
    max = mid + pad;
  }
  let scale = 1;
  const magnitude = Math.max(Math.abs(min), Math.abs(max));
  if (unit > 1) while (magnitude / scale >= unit) scale *= unit;
  // At least 1/1000 of the magnitude per step, so labels printed with 4 significant digits differ.
  const step = niceStep(Math.max((max - min) / Math.max(1, count - 1), magnitude * 1e-3) / scale) * scale;
  const lo = Math.floor(min / step + 1e-9) * step;
  const hi = Math.ceil(max / step - 1e-9) * step;
  const ticks: number[] = [];
  for (let k = 0, v = lo; v <= hi + step * 1e-9 && k < 100; k++, v = lo + k * step) {
    const t = clean(v, step);
    if (ticks.length === 0 || t !== ticks[ticks.length - 1]) ticks.push(t);
  }
  return { domain: [ticks[0], ticks[ticks.length - 1]], ticks };
}

/** A log axis around [min, max] (both > 0): whole decades, with 2 and 5 between when there are few. */
export function logAxis(min: number, max: number): Axis {
  if (!(min > 0) || !(max > 0) || !Number.isFinite(min) || !Number.isFinite(max)) return { domain: [1, 10], ticks: [1, 10] };
  if (min > max) [min, max] = [max, min];
  const a = Math.floor(Math.log10(min) + 1e-9);
  let b = Math.ceil(Math.log10(max) - 1e-9);
  if (b === a) b = a + 1;
  // Every decade up to eight of them, else every other (the domain ends on a labelled one).
  const stride = Math.ceil((b - a) / 8);
  b = a + stride * Math.ceil((b - a) / stride);
  const ticks: number[] = [];
  for (let e = a; e <= b; e += stride) {
    const p = 10 ** e;
    ticks.push(Number(p.toPrecision(12)));
    if (b - a <= 3 && e < b) for (const m of [2, 5]) ticks.push(Number((m * p).toPrecision(12)));
  }
  return { domain: [10 ** a, 10 ** b], ticks };
}

/**
 * A log axis around the positive finite values among `values` (null when there are none): the
 * charts recharts scaled itself ('auto' on a log scale) printed one label six times when the
 * values barely moved (a pseudo-inverse residual of 1.20e-6 … 1.21e-6); whole decades cannot.
 */
export function logAxisOf(values: Iterable<number | undefined>): Axis | null {
  let lo = Infinity;
  let hi = -Infinity;
  for (const v of values) {
    if (v === undefined || !(v > 0) || !Number.isFinite(v)) continue;
    if (v < lo) lo = v;
    if (v > hi) hi = v;
  }
  return lo <= hi ? logAxis(lo, hi) : null;
}

/**
 * The step axis: from the first step to the next whole nice step at or after the last, so the
 * axis (and recharts' store behind it) changes only when training crosses a tick, not on every
 * refresh; the line ends where training is, as in TensorBoard's live view.
 */
export function stepAxis(min: number, max: number, count = 5): Axis {
  if (!Number.isFinite(min) || !Number.isFinite(max)) return { domain: [0, 1], ticks: [0, 1] };
  if (min === max) return { domain: [min - 1, max + 1], ticks: [min] };
  const step = Math.max(1, niceStep((max - min) / Math.max(1, count - 1)));
  const hi = clean(Math.ceil(max / step - 1e-9) * step, step);
  const ticks: number[] = [];
  for (let v = Math.ceil(min / step) * step; v <= hi; v += step) ticks.push(clean(v, step));
  return { domain: [min, hi], ticks };
}

/**
 * The step axis of a chart whose data spans [first, last]: [0, xMax] when the run's last step is
 * known and the data lies in it (the axis then holds still for the whole run), else stepAxis.
 */
export function runStepAxis(first: number, last: number, xMax?: number): Axis {
  return xMax !== undefined && xMax >= last && first >= 0 ? stepAxis(0, xMax) : stepAxis(first, last);
}

/** The smallest and largest finite y (and x) over several point lists. */
export function extent(lists: readonly (readonly { x: number; y: number }[])[]): { x: [number, number]; y: [number, number] } | null {
  let x0 = Infinity,
    x1 = -Infinity,
    y0 = Infinity,
    y1 = -Infinity;
  for (const list of lists)
    for (const p of list) {
      if (!Number.isFinite(p.x) || !Number.isFinite(p.y)) continue;
      if (p.x < x0) x0 = p.x;
      if (p.x > x1) x1 = p.x;
      if (p.y < y0) y0 = p.y;
      if (p.y > y1) y1 = p.y;
    }
  return x0 <= x1 ? { x: [x0, x1], y: [y0, y1] } : null;
}

/** Whether two axes have the same domain and ticks (then a chart keeps the old objects). */
export function sameAxis(a: Axis | null | undefined, b: Axis | null | undefined): boolean {
  if (!a || !b) return a === b;
  return (
    a.domain[0] === b.domain[0] &&
    a.domain[1] === b.domain[1] &&
    a.ticks.length === b.ticks.length &&
    a.ticks.every((t, i) => t === b.ticks[i])
  );
}
