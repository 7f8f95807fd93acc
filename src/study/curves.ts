/**
 * The learning curves of a study: per arm and evaluation step, the validation accuracy's mean
 * and 95 % t-interval over the seeds that recorded that step (the seed band), as CSV and as an
 * SVG with one line and band per arm. Runs without a recorded curve are left out and counted.
 */
import type { Study } from './definition';
import type { RunOutcome } from './results';
import { tInterval, type Interval } from './stats';

export interface CurvePoint extends Interval {
  step: number;
}

export interface ArmCurve {
  arm: string;
  label: string;
  points: CurvePoint[];
  /** Runs of this arm with no recorded curve. */
  missing: number;
}

/** One curve per arm, in the study's order. */
export function studyCurves(study: Study, outcomes: readonly RunOutcome[]): ArmCurve[] {
  return study.arms.map((arm) => {
    const runs = outcomes.filter((o) => o.arm === arm.name);
    const byStep = new Map<number, number[]>();
    for (const r of runs) for (const [step, acc] of r.valCurve ?? []) byStep.set(step, [...(byStep.get(step) ?? []), acc]);
    const points = [...byStep.entries()].sort(([a], [b]) => a - b).map(([step, xs]) => ({ step, ...tInterval(xs) }));
    return { arm: arm.name, label: arm.label, points, missing: runs.filter((r) => !r.valCurve || r.valCurve.length === 0).length };
  });
}

/** arm,step,seeds,mean,lo,hi (accuracies as fractions; lo/hi empty with one seed). */
export function curvesCsv(curves: readonly ArmCurve[]): string {
  const num = (x: number) => (Number.isFinite(x) ? String(x) : '');
  const rows = ['arm,step,seeds,mean,lo,hi'];
  for (const c of curves) for (const p of c.points) rows.push([c.arm, p.step, p.n, num(p.mean), num(p.lo), num(p.hi)].join(','));
  return rows.join('\n');
}

const COLOURS = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e', '#8c564b', '#e377c2', '#7f7f7f'];
const escapeXml = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** Validation accuracy (%) against step: a line per arm, its seed band shaded. */
export function curvesSvg(curves: readonly ArmCurve[], title: string): string {
  const [w, h, left, right, top, bottom] = [980, 420, 56, 440, 36, 44];
  const all = curves.flatMap((c) => c.points);
  if (all.length === 0) throw new Error('no learning curves were recorded: nothing to draw');
  const maxStep = Math.max(...all.map((p) => p.step));
  const ys = all.flatMap((p) => [p.mean, p.lo, p.hi]).filter(Number.isFinite);
  const [lo, hi] = [Math.floor(Math.min(...ys) * 20) / 20, Math.ceil(Math.max(...ys) * 20) / 20];
  const x = (step: number) => left + ((w - left - right) * step) / maxStep;
  const y = (acc: number) => top + ((h - top - bottom) * (hi - acc)) / Math.max(hi - lo, 1e-9);
  const out = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}" font-family="sans-serif" font-size="12">`,
    `<rect width="${w}" height="${h}" fill="white"/>`,
    `<text x="${left}" y="20" font-size="14">${escapeXml(title)}</text>`,
    `<line x1="${left}" y1="${h - bottom}" x2="${w - right}" y2="${h - bottom}" stroke="black"/>`,
    `<line x1="${left}" y1="${top}" x2="${left}" y2="${h - bottom}" stroke="black"/>`,
    `<text x="${(left + w - right) / 2}" y="${h - 10}" text-anchor="middle">step</text>`,
    `<text x="14" y="${(top + h - bottom) / 2}" transform="rotate(-90 14 ${(top + h - bottom) / 2})" text-anchor="middle">validation accuracy %</text>`,
  ];
  for (let t = lo; t <= hi + 1e-9; t += 0.05)
    out.push(
      `<text x="${left - 6}" y="${y(t) + 4}" text-anchor="end">${(100 * t).toFixed(0)}</text>`,
      `<line x1="${left}" y1="${y(t)}" x2="${w - right}" y2="${y(t)}" stroke="#ddd"/>`,
    );
  for (const s of [0, maxStep / 2, maxStep]) out.push(`<text x="${x(s)}" y="${h - bottom + 16}" text-anchor="middle">${s}</text>`);
  curves.forEach((c, i) => {
    const colour = COLOURS[i % COLOURS.length];
    const band = c.points.filter((p) => Number.isFinite(p.lo));
    if (band.length > 1) {
      const edge = [...band.map((p) => `${x(p.step)},${y(p.hi)}`), ...band.reverse().map((p) => `${x(p.step)},${y(p.lo)}`)];
      out.push(`<polygon points="${edge.join(' ')}" fill="${colour}" fill-opacity="0.15" stroke="none"/>`);
    }
    out.push(
      `<polyline points="${c.points.map((p) => `${x(p.step)},${y(p.mean)}`).join(' ')}" fill="none" stroke="${colour}" stroke-width="2"/>`,
      `<rect x="${w - right + 12}" y="${top + 18 * i}" width="12" height="12" fill="${colour}"/>`,
      `<text x="${w - right + 30}" y="${top + 18 * i + 10}">${escapeXml(c.label)}${c.missing > 0 ? ` (${c.missing} run(s) without a curve)` : ''}</text>`,
    );
  });
  out.push('</svg>');
  return out.join('\n');
}
