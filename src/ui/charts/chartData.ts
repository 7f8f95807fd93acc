/**
 * Shaping metrics for recharts: at most about two points per pixel, optional smoothing and
 * log scale. Pure functions over the columnar MetricsBuffer, so they are tested without a DOM.
 */
import type { MetricName, MetricsBuffer } from '../../io/metrics';
import { smoothEma } from '../smoothing';

export interface XY {
  x: number;
  y: number;
}

export interface ShapedSeries {
  /** The raw curve, min/max-bucketed so spikes stay visible. */
  raw: XY[];
  /** The smoothed curve (empty when smoothing is 0 or the metric is never smoothed). */
  smooth: XY[];
  /** Whether `smooth` is drawn: the raw curve then fades behind it. */
  smoothed: boolean;
  /** Points left out because the log scale cannot show values ≤ 0. */
  hiddenNonPositive: number;
}

/** How many points a chart of `widthPx` pixels should get (two per pixel, at least 16). */
export function pointBudget(widthPx: number): number {
  return Math.max(16, Math.floor(2 * Math.max(0, widthPx)));
}

/**
 * Metrics that are never smoothed: validation runs every `evalEvery` steps, so these are a few
 * points, each already a mean over many batches; an average over them drew a line that lagged
 * its own dots by several evaluations. Only training curves (one noisy batch a point) are smoothed.
 */
export const UNSMOOTHED: ReadonlySet<MetricName> = new Set<MetricName>(['valLoss', 'valAccuracy']);

/** One metric against the step, downsampled, smoothed over the full resolution (training curves only), log-filtered. */
export function shapeSeries(
  buffer: MetricsBuffer,
  y: MetricName,
  opts: { maxPoints: number; smoothing: number; log: boolean; x?: MetricName },
): ShapedSeries {
  const x = opts.x ?? 'step';
  const keep = (p: XY) => !opts.log || p.y > 0;
  const rawAll = buffer.downsample(x, y, opts.maxPoints);
  const raw = rawAll.filter(keep);
  let smooth: XY[] = [];
  const smoothed = opts.smoothing > 0 && !UNSMOOTHED.has(y);
  if (smoothed) {
    const xs = buffer.column(x);
    const ys = buffer.column(y);
    const px: number[] = [];
    const py: number[] = [];
    for (let i = 0; i < ys.length; i++) {
      if (Number.isNaN(ys[i]) || Number.isNaN(xs[i])) continue;
      px.push(xs[i]);
      py.push(ys[i]);
    }
    const sy = smoothEma(py, opts.smoothing);
    smooth = strided(
      px.map((v, i) => ({ x: v, y: sy[i] })),
      opts.maxPoints,
    ).filter(keep);
  }
  return { raw, smooth, smoothed, hiddenNonPositive: rawAll.length - raw.length };
}

/** Every k-th element so that at most `max` remain, always keeping the last one. */
export function strided<T>(items: readonly T[], max: number): T[] {
  if (items.length <= max) return items.slice();
  const k = Math.ceil(items.length / Math.max(1, max - 1));
  const out: T[] = [];
  for (let i = 0; i < items.length; i += k) out.push(items[i]);
  if (out[out.length - 1] !== items[items.length - 1]) out.push(items[items.length - 1]);
  return out;
}

/**
 * Rows of several columns on a shared step axis (stacked charts need aligned x): rows where
 * at least one column has a value, strided to `maxPoints`, missing values as 0.
 */
export function alignedRows(buffer: MetricsBuffer, columns: readonly MetricName[], maxPoints: number): Record<string, number>[] {
  const steps = buffer.column('step');
  const cols = columns.map((c) => buffer.column(c));
  const rows: Record<string, number>[] = [];
  for (let i = 0; i < steps.length; i++) {
    if (!cols.some((col) => !Number.isNaN(col[i]))) continue;
    const row: Record<string, number> = { step: steps[i] };
    columns.forEach((c, j) => {
      row[c] = Number.isNaN(cols[j][i]) ? 0 : cols[j][i];
    });
    rows.push(row);
  }
  return strided(rows, maxPoints);
}

/** The largest finite value of a column and the step where it happened, or null. */
export function peakOf(buffer: MetricsBuffer, column: MetricName): { step: number; value: number } | null {
  const ys = buffer.column(column);
  const steps = buffer.column('step');
  let best: { step: number; value: number } | null = null;
  for (let i = 0; i < ys.length; i++)
    if (Number.isFinite(ys[i]) && (best === null || ys[i] > best.value)) best = { step: steps[i], value: ys[i] };
  return best;
}

/** Whether a column holds at least one finite value (a chart that has none says "not available"). */
export function hasValues(buffer: MetricsBuffer, column: MetricName): boolean {
  const ys = buffer.column(column);
  for (let i = 0; i < ys.length; i++) if (Number.isFinite(ys[i])) return true;
  return false;
}

/** Mean of the finite values of a column (NaN when there are none). */
export function meanOf(buffer: MetricsBuffer, column: MetricName): number {
  const ys = buffer.column(column);
  let sum = 0;
  let count = 0;
  for (let i = 0; i < ys.length; i++)
    if (Number.isFinite(ys[i])) {
      sum += ys[i];
      count++;
    }
  return count === 0 ? NaN : sum / count;
}

/** A number for a table or tooltip: 4 significant digits, bytes as KiB/MiB, NaN as an en dash. */
export function formatNumber(v: number, unit: '' | 'bytes' | '%' = ''): string {
  if (!Number.isFinite(v)) return '–';
  if (unit === 'bytes') {
    const units = ['B', 'KiB', 'MiB', 'GiB'];
    let i = 0;
    let x = v;
    while (Math.abs(x) >= 1024 && i < units.length - 1) {
      x /= 1024;
      i++;
    }
    return `${i === 0 ? x : x.toFixed(1)} ${units[i]}`;
  }
  if (unit === '%') return `${(100 * v).toFixed(1)}%`;
  if (v !== 0 && (Math.abs(v) < 1e-3 || Math.abs(v) >= 1e6)) return v.toExponential(2);
  return String(Number(v.toPrecision(4)));
}
