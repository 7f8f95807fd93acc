import { describe, expect, it } from 'vitest';
import type { RunConfig } from '../config';
import { PRESETS } from '../presets';
import { comparisonBlock, comparisonChunk } from '../presets/comparison';
import { summarizeStudy } from '../study/results';
import type { FromWorker, ToWorker } from '../train/protocol';
import { planStudy, type SavedStudy, type StudyPlan, type StudyStorage } from './studyPlan';
import { StudyRunner, studyEta } from './studyRunner';
import { TrainingClient, type WorkerLike } from './trainingStore';

class FakeWorker implements WorkerLike {
  sent: ToWorker[] = [];
  onmessage: ((ev: { data: unknown }) => void) | null = null;
  onerror: ((ev: { message?: string }) => void) | null = null;
  postMessage(m: ToWorker): void {
    this.sent.push(m);
  }
  terminate(): void {}
  reply(m: FromWorker | Record<string, unknown>): void {
    this.onmessage?.({ data: m });
  }
}

/** Storage that outlives a runner, as localStorage outlives a reload. */
function memoryStorage(): StudyStorage & { saved: SavedStudy | null } {
  return {
    saved: null,
    load() {
      return this.saved ? structuredClone(this.saved) : null;
    },
    save(s) {
      this.saved = s ? structuredClone(s) : null;
    },
  };
}

function setup(storage: StudyStorage) {
  const worker = new FakeWorker();
  let ids = 0;
  let clock = 0;
  const client = new TrainingClient({
    createWorker: () => worker,
    schedule: () => {},
    now: () => 1000,
    makeRunId: (c) => `${c.attention}-${++ids}`,
  });
  const runner = new StudyRunner(client, storage, () => clock);
  const lastStart = () => worker.sent.filter((m) => m.type === 'start').pop() as Extract<ToWorker, { type: 'start' }>;
  /** The worker trains the current run for `ms` and reports its evaluations. */
  const finish = (testAccuracy: number, ms = 1000) => {
    const start = lastStart();
    worker.reply({ type: 'state', state: 'running', step: 0, totalSteps: 4 });
    worker.reply({
      type: 'metrics',
      runId: start.runId,
      rows: [
        { step: 1, loss: 2, seqsPerSec: 10, memPeak: 4e6 },
        { step: 4, loss: 1, seqsPerSec: 30, memPeak: 8e6 },
      ],
    });
    worker.reply({ type: 'eval', runId: start.runId, split: 'validation', step: 4, loss: 1, accuracy: testAccuracy + 0.05, best: true });
    worker.reply({ type: 'eval', runId: start.runId, split: 'test', step: 4, loss: 1, accuracy: testAccuracy, best: false });
    clock += ms;
    worker.reply({ type: 'state', state: 'finished', step: 4, totalSteps: 4 });
    return start;
  };
  return { worker, client, runner, finish, lastStart };
}

const base: RunConfig = {
  ...PRESETS['quick-listops-proxy'].config,
  dataSeed: 7,
  steps: 4,
  warmupSteps: 2,
  evalEvery: 4,
  evalSteps: 1,
  testSize: 16,
  batchSize: 4,
  checkpointEvery: 0,
};
const plan: StudyPlan = { study: 'ablation', base, seeds: 3, arms: ['full'] };

describe('study runner (fake worker)', () => {
  it('runs 2 configurations × 3 seeds one after another and collects an outcome per run', () => {
    const storage = memoryStorage();
    const { runner, finish } = setup(storage);
    runner.start(plan);
    const accuracies = [0.5, 0.52, 0.54, 0.4, 0.43, 0.41];
    const starts = accuracies.map((a) => finish(a, 2000));
    expect(starts.map((s) => [s.config.attention, s.config.dataSeed, s.config.initSeed])).toEqual([
      ['proxy', 7, 7],
      ['proxy', 8, 8],
      ['proxy', 9, 9],
      ['nystrom', 7, 7],
      ['nystrom', 8, 8],
      ['nystrom', 9, 9],
    ]);
    const s = runner.store.getState();
    expect(runner.active).toBe(false);
    expect(s.error).toBeNull();
    expect(s.outcomes).toHaveLength(6);
    expect(s.outcomes[0]).toMatchObject({
      runId: 'ablation.full.s7',
      arm: 'full',
      seed: 7,
      steps: 4,
      testAccuracy: 0.5,
      testExamples: 16,
      bestValAccuracy: 0.55,
      seqsPerSec: 20,
      peakMemoryPerSeq: 2e6,
      redundancy: null,
      pinvResidual: null,
    });
    expect(storage.saved?.outcomes).toHaveLength(6);
    const rows = summarizeStudy(s.study!, s.outcomes);
    expect(rows.map((r) => r.arm)).toEqual(['full', 'nystrom']);
    expect(rows[0].metrics.testAccuracy?.mean).toBeCloseTo(0.52);
    expect(rows[0].vsBaseline?.mean).toBeCloseTo(0.52 - 0.4133333, 5);
    expect(studyEta(s)).toBe(0);
  });

  it('gives the ETA as mean run duration × runs left', () => {
    const { runner, finish } = setup(memoryStorage());
    runner.start(plan);
    expect(studyEta(runner.store.getState())).toBeNull();
    finish(0.5, 1000);
    finish(0.5, 3000);
    expect(studyEta(runner.store.getState())).toBe(2000 * 4);
  });

  it('continues after a reload from the first unfinished run', () => {
    const storage = memoryStorage();
    const first = setup(storage);
    first.runner.start(plan);
    first.finish(0.5);
    first.finish(0.6);
    // The page reloads while the third run trains: a new runner over the same storage.
    const second = setup(storage);
    const s = second.runner.store.getState();
    expect(s.outcomes.map((o) => o.runId)).toEqual(['ablation.full.s7', 'ablation.full.s8']);
    expect(s.runs).toHaveLength(6);
    expect(second.runner.active).toBe(false);
    second.runner.resume();
    expect(second.lastStart().config.dataSeed).toBe(9);
    for (const a of [0.7, 0.4, 0.4, 0.4]) second.finish(a);
    expect(second.runner.store.getState().outcomes).toHaveLength(6);
    second.runner.clear();
    expect(storage.saved).toBeNull();
  });

  it('stops at a failed run, says which and why, and retries it on continue', () => {
    const { runner, worker, finish, lastStart } = setup(memoryStorage());
    runner.start(plan);
    finish(0.5);
    worker.reply({ type: 'state', state: 'running', step: 0, totalSteps: 4 });
    worker.reply({
      type: 'failure',
      kind: 'non-finite-loss',
      message: 'loss is NaN at step 3',
      step: 3,
      lastCheckpointStep: null,
      canResume: false,
    });
    worker.reply({ type: 'state', state: 'running', step: 3, totalSteps: 4 });
    expect(worker.sent.filter((m) => m.type === 'stop')).toHaveLength(1);
    worker.reply({ type: 'state', state: 'failed', step: 3, totalSteps: 4 });
    const s = runner.store.getState();
    expect(s.error).toMatch(/ablation\.full\.s8 did not finish: loss is NaN at step 3/);
    expect(s.outcomes).toHaveLength(1);
    runner.resume();
    expect(lastStart().config.dataSeed).toBe(8);
    expect(runner.store.getState().error).toBeNull();
  });

  it('refuses a run without a test evaluation instead of recording a made-up accuracy', () => {
    const { runner, worker, lastStart } = setup(memoryStorage());
    runner.start(plan);
    worker.reply({ type: 'state', state: 'running', step: 0, totalSteps: 4 });
    worker.reply({ type: 'state', state: 'finished', step: 4, totalSteps: 4 });
    expect(runner.store.getState().error).toMatch(/ablation\.full\.s7 finished without a test evaluation/);
    expect(lastStart().config.dataSeed).toBe(7);
  });
});

describe('study plans', () => {
  it("builds the paper's comparison with one budget against softmax, and names bad plans", () => {
    const study = planStudy({ study: 'paper', base, seeds: 5, arms: [] });
    expect(study.arms.map((a) => a.name)).toEqual(['softmax', 'reformer', 'bigbird', 'linformer', 'performer', 'nystrom', 'proxy']);
    expect(study.baseline).toBe('softmax');
    expect(study.seeds).toEqual([7, 8, 9, 10, 11]);
    // Every projection-based arm gets the base's budget; BigBird a block that divides n with at least 16 blocks.
    for (const arm of study.arms.slice(1))
      expect(arm.overrides).toMatchObject({ landmarks: base.landmarks, linformerK: base.landmarks, performerFeatures: base.landmarks });
    expect(study.arms[2].overrides.bigbirdBlock).toBe(comparisonBlock(base));
    expect(study.arms[1].overrides.reformerChunk).toBe(comparisonChunk(base));
    expect(() => planStudy({ ...plan, seeds: 2 })).toThrow(/seeds must be 3, 4 or 5, got 2/);
    expect(() => planStudy({ ...plan, arms: ['nope'] })).toThrow(/configurations nope are not in the study \(known: full,/);
  });
});
