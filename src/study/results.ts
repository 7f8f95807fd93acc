/**
 * A study's results: one outcome per run, then per arm the mean ± 95 % t-interval of each
 * metric over seeds and the paired difference of test accuracy against the baseline arm, as a
 * table (CSV and Markdown).
 */
import type { Study } from './definition';
import { formatInterval, pairedDifference, tInterval, type Interval, type PairedDifference } from './stats';

/** What one finished run reports. */
export interface RunOutcome {
  runId: string;
  arm: string;
  seed: number;
  steps: number;
  /** Test accuracy of the best-validation checkpoint (LRA protocol). */
  testAccuracy: number;
  /** How many test examples that accuracy is over. */
  testExamples: number;
  bestValAccuracy: number;
  /** Mean training throughput over the run. */
  seqsPerSec: number;
  /** Peak memory in use during a training step, divided by the batch size (bytes). */
  peakMemoryPerSeq: number;
  /** Mean off-diagonal cosine of the landmarks/proxies (Q̃ and K̃, all layers and heads) at the end; null without landmarks. */
  redundancy: number | null;
  /** Mean final pseudo-inverse residual ‖I − K2·Z‖_F at the end; null without one. */
  pinvResidual: number | null;
  /** Backend label (which adapter or the CPU). */
  backend: string;
  /** Validation accuracy at each evaluation, as [step, accuracy] pairs (the learning curve); absent where not recorded. */
  valCurve?: [number, number][];
}

export const METRICS = ['testAccuracy', 'bestValAccuracy', 'seqsPerSec', 'peakMemoryPerSeq', 'redundancy', 'pinvResidual'] as const;
export type StudyMetric = (typeof METRICS)[number];

export interface ArmRow {
  arm: string;
  label: string;
  what: string;
  seeds: number[];
  metrics: Partial<Record<StudyMetric, Interval>>;
  /** Test accuracy minus the baseline's, paired over the seeds both have; null for the baseline itself or without common seeds. */
  vsBaseline: PairedDifference | null;
  testExamples: number;
}

/** Per-arm rows in the study's order (arms without outcomes yet have no metrics). */
export function summarizeStudy(study: Study, outcomes: readonly RunOutcome[]): ArmRow[] {
  const byArm = new Map<string, RunOutcome[]>();
  for (const o of outcomes) byArm.set(o.arm, [...(byArm.get(o.arm) ?? []), o]);
  const base = new Map((byArm.get(study.baseline) ?? []).map((o) => [o.seed, o.testAccuracy]));
  return study.arms.map((arm) => {
    const runs = (byArm.get(arm.name) ?? []).slice().sort((a, b) => a.seed - b.seed);
    const metrics: ArmRow['metrics'] = {};
    for (const m of METRICS) {
      const xs = runs.map((r) => r[m]).filter((x): x is number => x !== null && Number.isFinite(x));
      if (xs.length > 0) metrics[m] = tInterval(xs);
    }
    const paired = runs.filter((r) => base.has(r.seed));
    const vsBaseline =
      arm.name === study.baseline || paired.length < 2
        ? null
        : pairedDifference(
            paired.map((r) => r.testAccuracy),
            paired.map((r) => base.get(r.seed)!),
          );
    return {
      arm: arm.name,
      label: arm.label,
      what: arm.what,
      seeds: runs.map((r) => r.seed),
      metrics,
      vsBaseline,
      testExamples: runs[0]?.testExamples ?? 0,
    };
  });
}

const HEADERS = [
  'configuration',
  'seeds',
  'test accuracy %',
  'vs baseline (pp)',
  'best val accuracy %',
  'seq/s',
  'peak MiB/seq',
  'proxy redundancy',
  'pinv residual',
];

function cells(r: ArmRow, baseline: string): string[] {
  const f = (m: StudyMetric, digits: number, scale = 1) => (r.metrics[m] ? formatInterval(r.metrics[m]!, digits, scale) : '–');
  const vs =
    r.arm === baseline
      ? 'baseline'
      : r.vsBaseline
        ? `${formatInterval(r.vsBaseline, 1, 100)}${r.vsBaseline.includesZero ? ' (includes 0)' : ''}`
        : '–';
  return [
    r.label,
    String(r.seeds.length),
    f('testAccuracy', 1, 100),
    vs,
    f('bestValAccuracy', 1, 100),
    f('seqsPerSec', 1),
    f('peakMemoryPerSeq', 2, 1 / 2 ** 20),
    f('redundancy', 3),
    f('pinvResidual', 3),
  ];
}

/** The results table as Markdown, with a line on what the intervals are. */
export function studyMarkdown(study: Study, rows: readonly ArmRow[]): string {
  const lines = [`| ${HEADERS.join(' | ')} |`, `|${HEADERS.map(() => '---').join('|')}|`];
  for (const r of rows) lines.push(`| ${cells(r, study.baseline).join(' | ')} |`);
  const tests = rows.map((r) => r.testExamples).filter((n) => n > 0);
  lines.push(
    '',
    `Mean ± 95 % t-interval over seeds; "vs baseline" is the paired difference in test accuracy against ${study.arms.find((a) => a.name === study.baseline)?.label ?? study.baseline} over the same seeds, in percentage points ("includes 0": the data do not tell them apart). Test set: ${tests.length > 0 ? Math.min(...tests) : '–'} examples per run.`,
  );
  return lines.join('\n');
}

/** The table as CSV: one row per arm, raw means and interval bounds (accuracies as fractions). */
export function studyCsv(rows: readonly ArmRow[]): string {
  const head = ['arm', 'label', 'seeds'];
  for (const m of METRICS) head.push(`${m}_mean`, `${m}_lo`, `${m}_hi`);
  head.push('vsBaseline_mean', 'vsBaseline_lo', 'vsBaseline_hi', 'vsBaseline_includesZero', 'testExamples');
  const out = [head.join(',')];
  const num = (x: number | undefined) => (x === undefined || Number.isNaN(x) ? '' : String(x));
  for (const r of rows) {
    const row = [r.arm, JSON.stringify(r.label), String(r.seeds.length)];
    for (const m of METRICS) row.push(num(r.metrics[m]?.mean), num(r.metrics[m]?.lo), num(r.metrics[m]?.hi));
    row.push(
      num(r.vsBaseline?.mean),
      num(r.vsBaseline?.lo),
      num(r.vsBaseline?.hi),
      r.vsBaseline ? String(r.vsBaseline.includesZero) : '',
      String(r.testExamples),
    );
    out.push(row.join(','));
  }
  return out.join('\n');
}
