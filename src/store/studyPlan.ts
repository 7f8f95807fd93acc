/**
 * What the page's study runner needs besides the training client: the study a user picked
 * (built-in study, base config from the form, 3–5 seeds, which configurations), the outcome of
 * one finished run read from the page's metrics and evaluations, and the saved progress that
 * lets a reload continue from the first unfinished run.
 */
import type { RunConfig } from '../config';
import type { MetricName, MetricsBuffer } from '../io/metrics';
import type { Study, StudyRun } from '../study/definition';
import type { RunOutcome } from '../study/results';
import { ABLATION_STUDY, paperComparisonStudy } from '../study/studies';
import { generatedTestSize } from '../train/taskFromConfig';
import type { EvalRecord } from './trainingState';

export const PAGE_STUDIES = ['ablation', 'paper'] as const;
export type PageStudy = (typeof PAGE_STUDIES)[number];
/** The page offers 3 to 5 seeds: 3 is the fewest with an interval, 5 already takes long in a browser. */
export const SEED_CHOICES = [3, 4, 5] as const;

export interface StudyPlan {
  study: PageStudy;
  base: RunConfig;
  seeds: number;
  /** Arm names to run; the study's baseline is always run. Empty: every arm. */
  arms: string[];
}

/** The study's definition for the plan (throws naming the allowed values on a bad plan). */
export function planStudy(plan: StudyPlan): Study {
  if (!(PAGE_STUDIES as readonly string[]).includes(plan.study))
    throw new Error(`study "${plan.study}" is not one of ${PAGE_STUDIES.join(', ')}`);
  if (!(SEED_CHOICES as readonly number[]).includes(plan.seeds)) throw new Error(`seeds must be 3, 4 or 5, got ${plan.seeds}`);
  const full = plan.study === 'ablation' ? { ...ABLATION_STUDY, base: plan.base } : paperComparisonStudy(plan.base);
  const known = full.arms.map((a) => a.name);
  const unknown = plan.arms.filter((a) => !known.includes(a));
  if (unknown.length > 0) throw new Error(`configurations ${unknown.join(', ')} are not in the study (known: ${known.join(', ')})`);
  const arms = plan.arms.length === 0 ? full.arms : full.arms.filter((a) => a.name === full.baseline || plan.arms.includes(a.name));
  // Seeds from the form's seed on, so a study started from a shared link draws the same data.
  const seeds = Array.from({ length: plan.seeds }, (_, i) => plan.base.dataSeed + i);
  return { ...full, arms, seeds };
}

/**
 * A finished run's outcome from what the page holds. Redundancy and the pseudo-inverse residual
 * need attention views of the trained model, which the page computes only on request: null here
 * (the command-line runner, scripts/study.ts, reports them).
 */
export function pageOutcome(run: StudyRun, metrics: MetricsBuffer, evals: readonly EvalRecord[], backend: string): RunOutcome {
  const test = evals.filter((e) => e.split === 'test');
  if (test.length === 0) throw new Error(`${run.id} finished without a test evaluation`);
  const column = (name: MetricName) => Array.from(metrics.column(name)).filter(Number.isFinite);
  const val = [...evals.filter((e) => e.split === 'validation').map((e) => e.accuracy), ...column('valAccuracy')];
  const seqs = column('seqsPerSec');
  const peak = column('memPeak');
  return {
    runId: run.id,
    arm: run.arm.name,
    seed: run.seed,
    steps: metrics.length === 0 ? 0 : metrics.last('step'),
    testAccuracy: test[test.length - 1].accuracy,
    testExamples: generatedTestSize(run.config) ?? 0,
    bestValAccuracy: val.length > 0 ? Math.max(...val) : NaN,
    seqsPerSec: seqs.length > 0 ? seqs.reduce((a, b) => a + b, 0) / seqs.length : NaN,
    peakMemoryPerSeq: peak.length > 0 ? Math.max(...peak) / run.config.batchSize : NaN,
    redundancy: null,
    pinvResidual: null,
    backend,
  };
}

/** What survives a reload: the plan and the outcomes finished so far. */
export interface SavedStudy {
  plan: StudyPlan;
  outcomes: RunOutcome[];
}

export interface StudyStorage {
  load(): SavedStudy | null;
  save(saved: SavedStudy | null): void;
}

const KEY = 'proxyformer-study';

/** The browser's localStorage (a few kB per study); none where there is no localStorage. */
export function localStudyStorage(): StudyStorage | null {
  if (typeof localStorage === 'undefined') return null;
  return {
    load() {
      const text = localStorage.getItem(KEY);
      if (text === null) return null;
      try {
        const saved = JSON.parse(text) as SavedStudy;
        planStudy(saved.plan); // a plan this page can no longer run is dropped, saying why
        return saved;
      } catch (err) {
        console.info(`saved study progress dropped: ${(err as Error).message}`);
        localStorage.removeItem(KEY);
        return null;
      }
    },
    save(saved) {
      if (saved === null) localStorage.removeItem(KEY);
      else localStorage.setItem(KEY, JSON.stringify(saved));
    },
  };
}
