/**
 * The metrics a run streams (one row per logged step) and a columnar buffer that keeps every
 * row at full resolution outside React. Charts ask it for a downsampled view (at most ~2 points
 * per pixel); CSV export reads every row.
 */

/** Column names, in CSV order. Missing values are NaN (written as empty CSV cells). */
export const METRIC_COLUMNS = [
  'step',
  'wallMs',
  'taskLoss',
  'contrastiveLoss',
  'loss',
  'trainAccuracy',
  'valLoss',
  'valAccuracy',
  'lr',
  'beta1',
  'tokensPerSec',
  'seqsPerSec',
  'msPerStep',
  'gpuMsForward',
  'gpuMsBackward',
  'gpuMsOptimizer',
  'memWeights',
  'memGradients',
  'memOptimizer',
  'memActivations',
  'memScratch',
  'memPeak',
  // The split by category at the moment of the peak (mid-step: activations and scratch live).
  'memPeakWeights',
  'memPeakGradients',
  'memPeakOptimizer',
  'memPeakActivations',
  'memPeakScratch',
  'jsHeap',
  'proxyCosine',
  // The learning rate a resume set (`--resume --lr`), on the row of the step it resumed from.
  'resumeLr',
] as const;

export type MetricName = (typeof METRIC_COLUMNS)[number];
export type MetricRow = Partial<Record<MetricName, number>> & { step: number };

/** Growable columnar storage: one Float64Array per metric, doubling capacity. */
export class MetricsBuffer {
  private columns = new Map<MetricName, Float64Array>();
  private capacity: number;
  private rows_ = 0;
  /** Bumped on every append, so a chart knows when to refresh without diffing. */
  version = 0;

  constructor(initialCapacity = 1024) {
    this.capacity = Math.max(16, initialCapacity);
    for (const c of METRIC_COLUMNS) this.columns.set(c, new Float64Array(this.capacity).fill(NaN));
  }

  get length(): number {
    return this.rows_;
  }

  append(row: MetricRow): void {
    if (this.rows_ === this.capacity) this.grow();
    for (const c of METRIC_COLUMNS) {
      const v = row[c];
      this.columns.get(c)![this.rows_] = typeof v === 'number' ? v : NaN;
    }
    this.rows_++;
    this.version++;
  }

  /** A read-only view of one column's filled part. */
  column(name: MetricName): Float64Array {
    return this.columns.get(name)!.subarray(0, this.rows_);
  }

  /** The last value of a column that is not NaN, or NaN. */
  last(name: MetricName): number {
    const col = this.column(name);
    for (let i = col.length - 1; i >= 0; i--) if (!Number.isNaN(col[i])) return col[i];
    return NaN;
  }

  /** Row i with its filled (non-NaN) columns. */
  row(i: number): MetricRow {
    const row: Partial<Record<MetricName, number>> = {};
    for (const c of METRIC_COLUMNS) {
      const v = this.columns.get(c)![i];
      if (!Number.isNaN(v)) row[c] = v;
    }
    return row as MetricRow;
  }

  /** Every row (for replaying a restored run's metrics to the page). */
  rows(): MetricRow[] {
    return Array.from({ length: this.rows_ }, (_, i) => this.row(i));
  }

  clear(): void {
    this.rows_ = 0;
    for (const col of this.columns.values()) col.fill(NaN);
    this.version++;
  }

  /**
   * At most `maxPoints` (x, y) pairs for a chart: each bucket of rows contributes its min and
   * its max (in x order), so spikes such as a NaN-adjacent loss jump stay visible. Rows where y
   * is NaN are left out.
   */
  downsample(x: MetricName, y: MetricName, maxPoints: number): { x: number; y: number }[] {
    const xs = this.column(x);
    const ys = this.column(y);
    const valid: number[] = [];
    for (let i = 0; i < this.rows_; i++) if (!Number.isNaN(ys[i]) && !Number.isNaN(xs[i])) valid.push(i);
    if (valid.length <= maxPoints) return valid.map((i) => ({ x: xs[i], y: ys[i] }));
    const buckets = Math.max(1, Math.floor(maxPoints / 2));
    const out: { x: number; y: number }[] = [];
    for (let b = 0; b < buckets; b++) {
      const lo = Math.floor((b * valid.length) / buckets);
      const hi = Math.floor(((b + 1) * valid.length) / buckets);
      if (hi <= lo) continue;
      let iMin = valid[lo];
      let iMax = valid[lo];
      for (let j = lo + 1; j < hi; j++) {
        const i = valid[j];
        if (ys[i] < ys[iMin]) iMin = i;
        if (ys[i] > ys[iMax]) iMax = i;
      }
      const [a, c] = iMin <= iMax ? [iMin, iMax] : [iMax, iMin];
      out.push({ x: xs[a], y: ys[a] });
      if (c !== a) out.push({ x: xs[c], y: ys[c] });
    }
    return out;
  }

  /** Every row as CSV with a header line; NaN becomes an empty cell. */
  toCsv(): string {
    return [...this.csvLines()].join('\n') + '\n';
  }

  /** The CSV lines one at a time (header first), so that a caller can stop at a size budget. */
  *csvLines(): Generator<string> {
    yield METRIC_COLUMNS.join(',');
    const columns = METRIC_COLUMNS.map((c) => this.columns.get(c)!);
    for (let i = 0; i < this.rows_; i++) yield columns.map((col) => formatCell(col[i])).join(',');
  }

  /** Rebuild a buffer from CSV written by `toCsv` (columns matched by name; unknown columns ignored). */
  static fromCsv(csv: string): MetricsBuffer {
    const [header, ...lines] = csv.trim().split(/\r?\n/);
    const names = header.split(',');
    const buf = new MetricsBuffer(lines.length + 16);
    for (const line of lines) {
      if (!line) continue;
      const cells = line.split(',');
      const row: Record<string, number> = {};
      names.forEach((n, j) => {
        if ((METRIC_COLUMNS as readonly string[]).includes(n)) row[n] = cells[j] === '' || cells[j] === undefined ? NaN : Number(cells[j]);
      });
      if (Number.isFinite(row.step)) buf.append(row as MetricRow);
    }
    return buf;
  }

  /** A buffer of `rows` rows from whole columns (a checkpoint's); missing columns are NaN. */
  static fromColumns(columns: ReadonlyMap<MetricName, ArrayLike<number>>, rows: number): MetricsBuffer {
    const buf = new MetricsBuffer(rows + 16);
    for (const [name, values] of columns) buf.columns.get(name)?.set(values);
    buf.rows_ = rows;
    buf.version++;
    return buf;
  }

  private grow(): void {
    this.capacity *= 2;
    for (const c of METRIC_COLUMNS) {
      const next = new Float64Array(this.capacity).fill(NaN);
      next.set(this.columns.get(c)!.subarray(0, this.rows_));
      this.columns.set(c, next);
    }
  }
}

function formatCell(v: number): string {
  if (Number.isNaN(v)) return '';
  if (!Number.isFinite(v)) return v > 0 ? 'Infinity' : '-Infinity';
  return Number.isInteger(v) ? String(v) : v.toPrecision(7);
}
