/**
 * Chart data of the Scaling view, from the sweep's rows: one point per length with a column per
 * variant (recharts' row shape), and the paper's ratios as reference marks: at n = 4096 (or the
 * longest length softmax ran) Proxyformer at 3.8× softmax's training throughput and 0.08× its
 * memory per sequence (Lee, Lee & Shin 2024, RTX 3090).
 */
import { VARIANTS, type Mode, type Row, type Variant } from '../../bench/sweep';

const PAPER_THROUGHPUT_RATIO = 3.8;
const PAPER_MEMORY_RATIO = 0.08;
const PAPER_LENGTH = 4096;

export type ChartRow = { n: number } & Partial<Record<Variant, number>>;

/** Rows for a chart of `metric` against length: only measured values (a missing point is left out, not zero, on log axes). */
export function chartRows(rows: readonly Row[], mode: Mode, metric: 'sequencesPerSecond' | 'peakBytesPerSequence'): ChartRow[] {
  const lengths = [...new Set(rows.filter((r) => r.mode === mode).map((r) => r.n))].sort((a, b) => a - b);
  return lengths.map((n) => {
    const out: ChartRow = { n };
    for (const v of VARIANTS) {
      const r = rows.find((x) => x.variant === v && x.mode === mode && x.n === n && x.status === 'ok');
      const value = r?.[metric];
      if (value !== undefined && value > 0) out[v] = value;
    }
    return out;
  });
}

/** Where the paper puts Proxyformer relative to the softmax point we measured (null until softmax has a training row). */
export interface PaperMark {
  n: number;
  value: number;
  label: string;
}

/** The paper's Proxyformer point for a metric, scaled from our softmax measurement at n = 4096 (or the longest softmax length). */
export function paperMark(rows: readonly Row[], metric: 'sequencesPerSecond' | 'peakBytesPerSequence'): PaperMark | null {
  const soft = rows.filter((r) => r.variant === 'softmax' && r.mode === 'train' && r.status === 'ok' && r[metric] !== undefined);
  if (soft.length === 0) return null;
  const at = soft.find((r) => r.n === PAPER_LENGTH) ?? soft.reduce((a, b) => (b.n > a.n ? b : a));
  const ratio = metric === 'sequencesPerSecond' ? PAPER_THROUGHPUT_RATIO : PAPER_MEMORY_RATIO;
  const where = at.n === PAPER_LENGTH ? '' : ` (paper's ratio is for n = ${PAPER_LENGTH}; shown at n = ${at.n})`;
  return { n: at.n, value: at[metric]! * ratio, label: `paper: Proxyformer ${ratio}× softmax${where}` };
}

/** Parse the lengths field: comma-separated integers ≥ 2, ascending and unique. */
export function parseLengths(text: string): { ok: true; lengths: number[] } | { ok: false; error: string } {
  const parts = text
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (parts.length === 0) return { ok: false, error: 'give at least one length, e.g. 256, 512, 1024' };
  const lengths: number[] = [];
  for (const p of parts) {
    const n = Number(p);
    if (!Number.isInteger(n) || n < 2) return { ok: false, error: `length "${p}" must be an integer ≥ 2` };
    lengths.push(n);
  }
  return { ok: true, lengths: [...new Set(lengths)].sort((a, b) => a - b) };
}
