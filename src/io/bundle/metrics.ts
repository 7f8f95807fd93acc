/**
 * metrics.csv, read leniently: it is a log, not a model, so a damaged row is skipped (and
 * counted in a notice) rather than refusing the run. Columns are matched by name to
 * `METRIC_COLUMNS`; others (the PyTorch trainer's `split`) are ignored; empty or non-numeric
 * cells are NaN; rows without a finite `step` are skipped.
 */
import { METRIC_COLUMNS, MetricsBuffer, type MetricRow } from '../metrics';

/** Parsed metrics and what was skipped. */
export interface ParsedMetrics {
  metrics: MetricsBuffer;
  notices: string[];
}

const KNOWN = new Set<string>(METRIC_COLUMNS);

/** Parse metrics.csv bytes (UTF-8, invalid sequences replaced). Never throws. */
export function parseMetrics(bytes: Uint8Array): ParsedMetrics {
  const text = new TextDecoder('utf-8').decode(bytes);
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '');
  const metrics = new MetricsBuffer(lines.length + 16);
  const notices: string[] = [];
  if (lines.length === 0) return { metrics, notices };
  const header = splitRow(lines[0]);
  if (!header.includes('step')) return { metrics, notices: ['metrics.csv has no "step" column; its rows were not read.'] };
  const ignored = [...new Set(header.filter((h) => !KNOWN.has(h)))];
  if (ignored.length) notices.push(`metrics.csv: column(s) ${ignored.slice(0, 8).join(', ')} ignored (not metrics of this version).`);
  let skipped = 0;
  for (let r = 1; r < lines.length; r++) {
    const cells = splitRow(lines[r]);
    const row: Record<string, number> = {};
    header.forEach((name, j) => {
      if (KNOWN.has(name)) row[name] = toNumber(cells[j]);
    });
    if (Number.isFinite(row.step)) metrics.append(row as MetricRow);
    else skipped++;
  }
  if (skipped) notices.push(`metrics.csv: ${skipped} row(s) without a numeric step skipped.`);
  return { metrics, notices };
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
