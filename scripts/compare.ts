/**
 * `npm run train -- --compare <study> [--preset NAME] [--<key> V]...`: the study's runs (the
 * paper's comparison of attention variants, or the ablation) trained one after another from one
 * base config, with the same data and init seeds, and a results table at the end. This module
 * holds the flag and the table; scripts/train.ts runs the sessions.
 */
import type { RunResult } from '../src/store/runSummary';
import { formatNumber } from '../src/ui/charts/chartData';
import { STUDY_NAMES, getStudy, type Study } from '../src/presets';

export const COMPARE_USAGE = `       npm run train -- --compare ${STUDY_NAMES.join('|')} [--preset NAME] [--steps N] [--out DIR] [--backend webgpu|cpu] [--<config key> VALUE]...
         trains the study's runs one after another from the preset (same data and init seeds) and prints a table:
         paper: softmax, Reformer, BigBird, Linformer, Performer, Nyströmformer, Proxyformer (one projection budget); ablation: the paper's RQ2`;

/** `--compare NAME` taken out of argv: the study, the rest for the ordinary parser, or what is wrong. */
export function takeCompareFlag(argv: readonly string[]): { study: Study | null; rest: string[]; error?: string } {
  const rest: string[] = [];
  let study: Study | null = null;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg !== '--compare' && !arg.startsWith('--compare=')) {
      rest.push(arg);
      continue;
    }
    const value = arg.includes('=') ? arg.slice('--compare='.length) : argv[++i];
    if (value === undefined || value.startsWith('--'))
      return { study: null, rest, error: `--compare needs a study: ${STUDY_NAMES.join(', ')}` };
    try {
      study = getStudy(value);
    } catch (e) {
      return { study: null, rest, error: `--compare: ${(e as Error).message}` };
    }
  }
  if (study && rest.includes('--resume'))
    return { study, rest, error: '--resume cannot be used with --compare: each run of a study starts fresh' };
  if (study && rest.some((a) => a === '--run-id' || a.startsWith('--run-id=')))
    return { study, rest, error: '--run-id cannot be used with --compare: the runs are named <study>-<variant>-<init seed>' };
  return { study, rest };
}

/** One finished (or failed, or skipped) row of a study. */
export interface StudyRow {
  label: string;
  status: 'finished' | 'failed' | 'skipped' | 'not yet available';
  note?: string;
  result?: RunResult;
}

/** The results as a Markdown table (also what the terminal shows). */
export function studyTable(rows: readonly StudyRow[]): string {
  const head = [
    'variant',
    'status',
    'steps',
    'final train loss',
    'best val acc',
    'test acc',
    'ms/step',
    'tokens/s',
    'peak memory (engine pool)',
  ];
  const body = rows.map((r) => {
    const x = r.result;
    const cells = x
      ? [
          String(x.steps),
          formatNumber(x.finalTrainLoss),
          formatNumber(x.bestValAccuracy, '%'),
          formatNumber(x.testAccuracy, '%'),
          formatNumber(x.msPerStep),
          formatNumber(x.tokensPerSec),
          formatNumber(x.peakMemory, 'bytes'),
        ]
      : Array(7).fill('–');
    return [r.label, r.note ? `${r.status}: ${r.note}` : r.status, ...cells];
  });
  const line = (cells: string[]) => `| ${cells.join(' | ')} |`;
  return [line(head), line(head.map(() => '---')), ...body.map(line)].join('\n');
}
