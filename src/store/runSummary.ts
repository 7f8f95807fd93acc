/** One run's results for the ablation table and the run list: accuracy, throughput, memory. */
import type { MetricsBuffer } from '../io/metrics';
import type { EvalRecord } from './trainingStore';

export interface RunResult {
  steps: number;
  /** Best validation accuracy (LRA protocol: the checkpoint the test split is evaluated on). */
  bestValAccuracy: number;
  /** Test accuracy of the best checkpoint, evaluated once at the end (NaN when not reported). */
  testAccuracy: number;
  finalTrainLoss: number;
  tokensPerSec: number;
  seqsPerSec: number;
  msPerStep: number;
  /** The highest GPU memory in use seen during the run (bytes). */
  peakMemory: number;
}

/** Summarise a run from its metrics and evaluations (NaN where nothing was reported). */
export function summarizeRun(buffer: MetricsBuffer, evals: readonly EvalRecord[] = []): RunResult {
  const val = evals.filter((e) => e.split === 'validation').map((e) => e.accuracy);
  const test = evals.filter((e) => e.split === 'test');
  const valFromMetrics = maxOf(buffer.column('valAccuracy'));
  return {
    steps: buffer.length === 0 ? 0 : buffer.last('step'),
    bestValAccuracy: val.length > 0 ? Math.max(...val) : valFromMetrics,
    testAccuracy: test.length > 0 ? test[test.length - 1].accuracy : NaN,
    finalTrainLoss: buffer.last('loss'),
    tokensPerSec: meanOf(buffer.column('tokensPerSec')),
    seqsPerSec: meanOf(buffer.column('seqsPerSec')),
    msPerStep: meanOf(buffer.column('msPerStep')),
    peakMemory: maxOf(buffer.column('memPeak')),
  };
}

function finite(xs: ArrayLike<number>): number[] {
  const out: number[] = [];
  for (let i = 0; i < xs.length; i++) if (Number.isFinite(xs[i])) out.push(xs[i]);
  return out;
}

function meanOf(xs: ArrayLike<number>): number {
  const f = finite(xs);
  return f.length === 0 ? NaN : f.reduce((a, b) => a + b, 0) / f.length;
}

function maxOf(xs: ArrayLike<number>): number {
  const f = finite(xs);
  return f.length === 0 ? NaN : Math.max(...f);
}
