/**
 * The metrics of every run in the page, kept OUTSIDE the zustand store: one MetricsBuffer per
 * run (full resolution) and one for the landmark/proxy redundancy its views measured. The store
 * only holds `metricsVersion`, bumped at most every `flushMs`, which the charts watch, and the
 * step counter, which follows the metrics at the same cadence.
 */
import type { StoreApi } from 'zustand/vanilla';
import { MetricsBuffer, type MetricRow } from '../io/metrics';
import type { AttentionViews } from './attentionViews';
import type { TrainingState } from './trainingState';

export class RunMetrics {
  private readonly buffers = new Map<string, MetricsBuffer>();
  private readonly redundancyBuffers = new Map<string, MetricsBuffer>();
  private flushPending = false;
  private latestStep: number | null = null;

  constructor(
    private readonly store: StoreApi<TrainingState>,
    private readonly schedule: (fn: () => void, ms: number) => void,
    private readonly flushMs: number,
  ) {}

  /** The full-resolution metrics of a run (created empty on first use). */
  metrics(runId: string): MetricsBuffer {
    let b = this.buffers.get(runId);
    if (!b) {
      b = new MetricsBuffer();
      this.buffers.set(runId, b);
    }
    return b;
  }

  /**
   * The landmark/proxy redundancy of a run as measured by its views (column `proxyCosine`, one
   * row per views reply), for the chart over training when the worker does not log it.
   */
  redundancy(runId: string): MetricsBuffer {
    let b = this.redundancyBuffers.get(runId);
    if (!b) {
      b = new MetricsBuffer(64);
      this.redundancyBuffers.set(runId, b);
    }
    return b;
  }

  /** Whether a run has metrics in this page. */
  hasMetrics(runId: string | null): boolean {
    return runId !== null && (this.buffers.get(runId)?.length ?? 0) > 0;
  }

  /** Rows the worker logged; `current` when they belong to the run the controls act on. */
  append(runId: string, rows: readonly MetricRow[], current: boolean): void {
    const buf = this.metrics(runId);
    for (const row of rows) buf.append(row);
    // The step counter follows the metrics (state messages only come on transitions), at the flush cadence.
    if (current && buf.length > 0) this.latestStep = buf.last('step');
    this.scheduleFlush();
  }

  /** A saved run's curves from its checkpoint's metrics.csv, shown at once. */
  load(runId: string, csv: string): void {
    const buf = this.metrics(runId);
    for (const row of MetricsBuffer.fromCsv(csv || 'step\n').rows()) buf.append(row);
    this.flushNow();
  }

  /** Bump the version (and move the step counter forward) now, not at the next flush. */
  flushNow(): void {
    this.flushPending = false;
    const step = this.latestStep;
    this.latestStep = null;
    this.store.setState((st) => ({ metricsVersion: st.metricsVersion + 1, ...(step !== null && step > st.step ? { step } : {}) }));
  }

  private scheduleFlush(): void {
    if (this.flushPending) return;
    this.flushPending = true;
    this.schedule(() => this.flushNow(), this.flushMs);
  }
}

/** Append the mean off-diagonal cosine of all layers, heads and both landmark sides (Q̃, K̃) of one views reply. */
export function recordRedundancy(buffer: MetricsBuffer, views: AttentionViews): void {
  const values = views.heads
    .flat()
    .flatMap((h) => [h.queryMeanOffDiagonal, h.keyMeanOffDiagonal])
    .filter((x): x is number => typeof x === 'number' && Number.isFinite(x));
  if (values.length === 0) return;
  if (buffer.length > 0 && buffer.last('step') === views.step) return; // one point per step
  buffer.append({ step: views.step, proxyCosine: values.reduce((a, b) => a + b, 0) / values.length });
}
