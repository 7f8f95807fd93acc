/**
 * metrics.csv, read leniently but within its budget: it is a log, not a model, so a damaged row
 * is skipped (and counted in a notice) rather than refusing the run. Columns are matched by name
 * to `METRIC_COLUMNS`; others (the PyTorch trainer's `split`) are ignored; empty or non-numeric
 * cells are NaN; rows without a finite `step` are skipped. The bytes are never decoded as one
 * string: lines are found by a byte scan that counts rows and measures line lengths first, so
 * a file of millions of tiny rows or one endless line is refused (src/io/importLimits.ts)
 * before anything is allocated for it, and the buffer is allocated once at the real row count.
 */
import { METRIC_COLUMNS, MetricsBuffer, type MetricRow } from '../metrics';
import { ImportBudget, guarded, limitError } from '../importLimits';

/** Parsed metrics and what was skipped. */
export interface ParsedMetrics {
  metrics: MetricsBuffer;
  notices: string[];
}

const KNOWN = new Set<string>(METRIC_COLUMNS);
const NEWLINE = 0x0a;
const COMMA = 0x2c;

/** Bytes decoded at a time (whole lines): a few decoder calls for the file, never one string of all of it. */
const BLOCK = 1 << 20;

/** Parse metrics.csv bytes (UTF-8, invalid sequences replaced). Throws only `ImportError('limit')` for a budget. */
export function parseMetrics(bytes: Uint8Array, budget = new ImportBudget()): ParsedMetrics {
  budget.atMost('maxMetricsBytes', 'metrics.csv bytes', bytes.length);
  const lines = countLines(bytes, budget);
  const metrics = new MetricsBuffer(Math.max(0, lines - 1) + 1);
  const notices: string[] = [];
  const decoder = new TextDecoder('utf-8');
  let header: string[] | null = null;
  let known: (readonly [string, number])[] = [];
  let skipped = 0;
  let read = 0;
  for (let at = 0; at < bytes.length; ) {
    // A block ends after a newline (lines are at most maxMetricsLineBytes, checked by countLines).
    let end = Math.min(bytes.length, at + BLOCK);
    while (end < bytes.length && bytes[end - 1] !== NEWLINE) end++;
    const block = decoder.decode(bytes.subarray(at, end)).split('\n');
    at = end;
    budget.progress('reading metrics.csv', at / bytes.length);
    for (const raw of block) {
      const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
      if (line.trim() === '') continue;
      if (header === null) {
        header = splitRow(line);
        if (!header.includes('step')) return { metrics, notices: ['metrics.csv has no "step" column; its rows were not read.'] };
        const ignored = [...new Set(header.filter((h) => !KNOWN.has(h)))];
        if (ignored.length) notices.push(`metrics.csv: column(s) ${ignored.slice(0, 8).join(', ')} ignored (not metrics of this version).`);
        known = header.map((name, j) => [name, j] as const).filter(([name]) => KNOWN.has(name));
        continue;
      }
      if ((++read & 4095) === 0) budget.check('reading metrics.csv');
      const cells = splitRow(line);
      const row: Record<string, number> = {};
      for (const [name, j] of known) row[name] = toNumber(cells[j]);
      if (Number.isFinite(row.step)) metrics.append(row as MetricRow);
      else skipped++;
    }
  }
  if (skipped) notices.push(`metrics.csv: ${skipped} row(s) without a numeric step skipped.`);
  return { metrics, notices };
}

/**
 * Counts metrics.csv lines as bytes arrive (while the zip inflates, or over a whole buffer) and
 * refuses more than `maxMetricsRows` rows after the header, a line longer than
 * `maxMetricsLineBytes` and a header of more than `maxMetricsColumns` columns as soon as it
 * reaches them — before the rest is inflated or anything is allocated for the rows.
 */
export class MetricsLineCounter {
  /** Complete lines seen (the header included). */
  lines = 0;
  private lineBytes = 0;
  private commas = 0;

  constructor(private readonly budget: ImportBudget) {}

  push(chunk: Uint8Array): void {
    const { maxMetricsRows, maxMetricsLineBytes, maxMetricsColumns } = this.budget.limits;
    let start = 0;
    for (;;) {
      const nl = chunk.indexOf(NEWLINE, start);
      const stop = nl < 0 ? chunk.length : nl;
      if (this.lines === 0) for (let i = start; i < stop; i++) if (chunk[i] === COMMA) this.commas++;
      this.lineBytes += stop - start;
      if (this.lineBytes > maxMetricsLineBytes)
        throw limitError('maxMetricsLineBytes', `metrics.csv line ${this.lines + 1} bytes (at least)`, this.lineBytes, maxMetricsLineBytes);
      if (nl < 0) return;
      this.endLine(maxMetricsRows, maxMetricsColumns);
      start = nl + 1;
    }
  }

  /** The number of lines, counting a last line without a newline. */
  finish(): number {
    if (this.lineBytes > 0) this.endLine(this.budget.limits.maxMetricsRows, this.budget.limits.maxMetricsColumns);
    return this.lines;
  }

  private endLine(maxRows: number, maxColumns: number): void {
    if (this.lines === 0 && this.commas + 1 > maxColumns)
      throw limitError('maxMetricsColumns', "metrics.csv header's columns", this.commas + 1, maxColumns);
    this.lines++;
    this.lineBytes = 0;
    // One header line plus the rows.
    if (this.lines > maxRows + 1) throw limitError('maxMetricsRows', 'metrics.csv rows (at least)', this.lines - 1, maxRows);
    if ((this.lines & 65535) === 0) this.budget.check('counting metrics.csv rows');
  }
}

function countLines(bytes: Uint8Array, budget: ImportBudget): number {
  const counter = new MetricsLineCounter(budget);
  counter.push(bytes);
  return counter.finish();
}

/**
 * The metrics as CSV text of at most `maxChars` characters (the text handed on to the
 * trainer): refused with `maxMetricsBytes` when longer, never a RangeError from string building.
 */
export function boundedCsv(metrics: MetricsBuffer, maxChars: number): string {
  const lines: string[] = [];
  let chars = 0;
  for (const line of metrics.csvLines()) {
    chars += line.length + 1;
    if (chars > maxChars)
      throw limitError('maxMetricsBytes', 'the metrics text rebuilt for the trainer, characters (at least)', chars, maxChars);
    lines.push(line);
  }
  return guarded('rebuilding metrics.csv', () => `${lines.join('\n')}\n`);
}

/** CSV text of a buffer or a string already in CSV form. */
export function metricsText(metrics: MetricsBuffer | string | undefined): string {
  if (metrics === undefined) return new MetricsBuffer(16).toCsv();
  return typeof metrics === 'string' ? metrics : metrics.toCsv();
}

/** One CSV row: commas split cells, double quotes around a cell are removed (Python's csv quotes only cells with commas or quotes). */
function splitRow(line: string): string[] {
  const cells: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quoted) {
      if (c === '"' && line[i + 1] === '"') {
        cell += c;
        i++;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      cells.push(cell.trim());
      cell = '';
    } else cell += c;
  }
  cells.push(cell.trim());
  return cells;
}

function toNumber(cell: string | undefined): number {
  if (cell === undefined || cell === '') return NaN;
  const v = Number(cell);
  return Number.isNaN(v) ? NaN : v;
}
