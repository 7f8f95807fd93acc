/**
 * The page's study runner: expands a study (src/study) into its runs, arm by arm and seed by
 * seed, trains them one after another through the training client, collects one RunOutcome per
 * run and saves them after each, so a reload continues from the first unfinished run. The
 * statistics are src/study's (summarizeStudy); this file only schedules.
 */
import { createStore } from 'zustand/vanilla';
import { useStore } from 'zustand';
import { expandStudy, type Study, type StudyRun } from '../study/definition';
import type { RunOutcome } from '../study/results';
import { localStudyStorage, pageOutcome, planStudy, type StudyPlan, type StudyStorage } from './studyPlan';
import type { RunState } from '../train/protocol';
import { isActive, trainingClient, type TrainingClient } from './trainingStore';

export interface StudyState {
  plan: StudyPlan | null;
  study: Study | null;
  runs: StudyRun[];
  outcomes: RunOutcome[];
  /** Id of the run in training, or null. */
  current: string | null;
  /** Wall-clock milliseconds of the runs finished since the page loaded (for the ETA). */
  durations: number[];
  /** Why the study stopped before its end (a failed run, a refused plan); null otherwise. */
  error: string | null;
}

/** The study's ETA in ms: mean duration of the finished runs × runs left; null before one has finished. */
export function studyEta(s: Pick<StudyState, 'runs' | 'outcomes' | 'durations'>): number | null {
  if (s.durations.length === 0) return null;
  const left = s.runs.length - s.outcomes.length;
  return (s.durations.reduce((a, b) => a + b, 0) / s.durations.length) * left;
}

export class StudyRunner {
  readonly store = createStore<StudyState>()(() => ({
    plan: null,
    study: null,
    runs: [],
    outcomes: [],
    current: null,
    durations: [],
    error: null,
  }));
  private sawActive = false;
  private startedAt = 0;
  /** The training client's id of the current run (its metrics and evaluations are under it). */
  private trainingRunId: string | null = null;
  private stopping = false;

  constructor(
    private readonly client: TrainingClient,
    private readonly storage: StudyStorage | null = null,
    private readonly now: () => number = () => performance.now(),
  ) {
    const saved = storage?.load();
    if (saved) {
      const study = planStudy(saved.plan);
      this.store.setState({ plan: saved.plan, study, runs: expandStudy(study), outcomes: saved.outcomes });
    }
    client.store.subscribe((s) => this.onTraining(s.runState, s.runId));
  }

  get active(): boolean {
    return this.store.getState().current !== null;
  }

  /** Start a new study (its saved progress replaces any earlier study's). Throws on a bad plan or invalid configs. */
  start(plan: StudyPlan): void {
    if (this.active) throw new Error('a study is running: cancel it first');
    const study = planStudy(plan);
    const runs = expandStudy(study);
    const invalid = runs.filter((r) => !r.ok);
    if (invalid.length > 0)
      throw new Error(
        invalid
          .map(
            (r) =>
              `${r.id}: ${r.issues
                .filter((i) => i.severity === 'error')
                .map((i) => i.message)
                .join(' ')}`,
          )
          .join('; '),
      );
    this.store.setState({ plan, study, runs, outcomes: [], durations: [], error: null });
    this.storage?.save({ plan, outcomes: [] });
    this.advance();
  }

  /** Continue a stopped or reloaded study from its first unfinished run. */
  resume(): void {
    if (this.active || this.store.getState().study === null) return;
    this.store.setState({ error: null });
    this.advance();
  }

  /** Stop the running run; finished outcomes stay saved and the study can be continued. */
  cancel(): void {
    if (!this.active) return;
    this.store.setState({ current: null });
    if (isActive(this.client.store.getState().runState)) this.client.stop();
  }

  /** Forget the study and its saved progress. */
  clear(): void {
    if (this.active) throw new Error('a study is running: cancel it first');
    this.storage?.save(null);
    this.store.setState({ plan: null, study: null, runs: [], outcomes: [], durations: [], error: null });
  }

  private advance(): void {
    const { runs, outcomes } = this.store.getState();
    const done = new Set(outcomes.map((o) => o.runId));
    const next = runs.find((r) => !done.has(r.id));
    if (!next) {
      this.store.setState({ current: null });
      return;
    }
    this.sawActive = false;
    this.stopping = false;
    this.startedAt = this.now();
    this.trainingRunId = this.client.start(next.config, `study ${next.id}`);
    this.store.setState({ current: next.id });
  }

  private onTraining(runState: RunState, runId: string | null): void {
    const { current, runs, outcomes, plan, durations } = this.store.getState();
    if (current === null || runId === null || runId !== this.trainingRunId) return;
    if (isActive(runState)) {
      this.sawActive = true;
      // A failed run is stopped once; the study stops below when it has ended.
      if (this.client.store.getState().failure && !this.stopping) {
        this.stopping = true;
        this.client.stop();
      }
      return;
    }
    if (!this.sawActive) return;
    const run = runs.find((r) => r.id === current)!;
    const training = this.client.store.getState();
    const failure = training.failure?.message ?? (runState === 'finished' ? null : (training.stateMessage ?? `the run ${runState}`));
    if (failure !== null) {
      this.store.setState({ current: null, error: `${run.id} did not finish: ${failure}. Continue retries it.` });
      return;
    }
    let outcome: RunOutcome;
    try {
      outcome = pageOutcome(run, this.client.metrics(runId), training.evals[runId] ?? [], training.backend?.label ?? 'unknown backend');
    } catch (err) {
      this.store.setState({ current: null, error: (err as Error).message });
      return;
    }
    const next = [...outcomes, outcome];
    this.storage?.save({ plan: plan!, outcomes: next });
    this.store.setState({ outcomes: next, durations: [...durations, this.now() - this.startedAt] });
    this.advance();
  }
}

let pageRunner: StudyRunner | null = null;

/** The page's study runner (progress saved in localStorage). */
export function studyRunner(): StudyRunner {
  pageRunner ??= new StudyRunner(trainingClient(), localStudyStorage());
  return pageRunner;
}

/** React hook over the page's study runner. */
export function useStudy<T>(select: (s: StudyState) => T): T {
  return useStore(studyRunner().store, select);
}
