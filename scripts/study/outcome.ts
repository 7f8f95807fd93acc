/**
 * What a finished study run reports (src/study/results.ts RunOutcome), read from the session
 * after the LRA protocol's end: test accuracy of the best-validation checkpoint, the metrics
 * stream, and the views of the first test example for the landmarks' redundancy and the
 * pseudo-inverse residual (the trained model as evaluated, outside the training loop).
 */
import { computeViews } from '../../src/model/views';
import type { StudyRun } from '../../src/study/definition';
import type { RunOutcome } from '../../src/study/results';
import type { TrainingSession } from '../../src/train/session';

function finite(xs: ArrayLike<number>): number[] {
  return Array.from(xs).filter(Number.isFinite);
}

/** The run's outcome; `testAccuracy` comes from the session's final test evaluation. */
export async function runOutcome(run: StudyRun, session: TrainingSession, testAccuracy: number, backend: string): Promise<RunOutcome> {
  const trainer = session.trainer;
  if (!trainer) throw new Error(`${run.id}: the session has no trainer after finishing`);
  const m = session.metrics;
  const val = finite(m.column('valAccuracy'));
  const steps = m.column('step');
  const valCurve = Array.from(m.column('valAccuracy'))
    .map((acc, i): [number, number] => [steps[i], acc])
    .filter(([, acc]) => Number.isFinite(acc));
  const seqs = finite(m.column('seqsPerSec'));
  const peak = finite(m.column('memPeak'));
  const ex = trainer.task.example('test', 0);
  const n = trainer.config.seqLen;
  const tokens = new Int32Array(n);
  const mask = new Float32Array(n);
  tokens.set(ex.tokens.subarray(0, n));
  mask.fill(1, 0, Math.min(n, ex.tokens.length));
  const views = await computeViews(trainer.model, { tokens, mask });
  const cos: number[] = [];
  const res: number[] = [];
  for (const layer of views.layers) {
    for (const h of layer.heads) {
      if (h.qMeanOffDiagonal !== undefined && h.kMeanOffDiagonal !== undefined) cos.push((h.qMeanOffDiagonal + h.kMeanOffDiagonal) / 2);
      if (h.pinvResiduals && h.pinvResiduals.length > 0) res.push(h.pinvResiduals[h.pinvResiduals.length - 1]);
    }
  }
  const avg = (xs: number[]) => (xs.length === 0 ? null : xs.reduce((a, b) => a + b, 0) / xs.length);
  return {
    runId: run.id,
    arm: run.arm.name,
    seed: run.seed,
    steps: trainer.step,
    testAccuracy,
    testExamples: trainer.task.splitSizes.test,
    bestValAccuracy: val.length > 0 ? Math.max(...val) : NaN,
    seqsPerSec: avg(seqs) ?? NaN,
    peakMemoryPerSeq: peak.length > 0 ? Math.max(...peak) / trainer.config.batchSize : NaN,
    redundancy: avg(cos),
    pinvResidual: avg(res),
    backend,
    valCurve,
  };
}
