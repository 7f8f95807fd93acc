/**
 * Long runs across page loads and full storage (CPU backend): resuming with overrides records
 * them, the best validation accuracy never drops on resume, a full storage pauses the run with
 * its state intact and offers only saved checkpoints, a run saved while running is listed as
 * interrupted, and the export says whether it holds the best-validation or the last step.
 */
import { describe, expect, it } from 'vitest';
import { createBackend } from './backendFactory';
import { parseCheckpoint, writeCheckpoint } from './checkpointFile';
import type { FromWorker, RunSummary } from './protocol';
import { TrainingSession } from './session';
import { MemoryCheckpointStore } from './store/memory';
import type { CheckpointKind, CheckpointStore } from './store/types';
import { taskFor } from './taskFromConfig';
import { tinyConfig } from './testing';

/** A store whose saves fail with the browser's quota error while `full` is set. */
class FullableStore extends MemoryCheckpointStore {
  full = false;
  override async save(runId: string, kind: CheckpointKind, bytes: Uint8Array, summary: RunSummary): Promise<void> {
    if (this.full) throw Object.assign(new Error('The quota has been exceeded.'), { name: 'QuotaExceededError' });
    return super.save(runId, kind, bytes, summary);
  }
}

function harness(store: CheckpointStore = new FullableStore()) {
  const messages: FromWorker[] = [];
  const session = new TrainingSession({
    post: (m) => messages.push(structuredClone(m)),
    createBackend: () => createBackend('cpu', undefined),
    loadTask: (config) => taskFor(config),
    store,
    yieldToEvents: () => new Promise((r) => setImmediate(r)),
    now: () => performance.now(),
  });
  const until = async (pred: (m: FromWorker[]) => boolean, what: string, ms = 60_000) => {
    const t0 = Date.now();
    while (!pred(messages)) {
      if (Date.now() - t0 > ms)
        throw new Error(`timed out waiting for ${what}; last messages: ${JSON.stringify(messages.slice(-4)).slice(0, 600)}`);
      await new Promise((r) => setTimeout(r, 5));
    }
  };
  const rows = () => messages.flatMap((m) => (m.type === 'metrics' ? m.rows : []));
  return { session, messages, store, until, rows };
}

const checkpointAt = (step: number) => (m: FromWorker[]) => m.some((x) => x.type === 'checkpoint' && x.step === step);

describe('resuming a saved run', () => {
  it('uses a lower learning rate given on resume and records it in the config and the metrics', async () => {
    const config = tinyConfig('proxy', { steps: 20, evalEvery: 20, checkpointEvery: 4, lr: 0.002 });
    const a = harness();
    await a.session.handle({ type: 'start', config, runId: 'lr', backend: 'cpu' });
    await a.until(checkpointAt(4), 'the first checkpoint');
    await a.session.handle({ type: 'stop' });
    const stoppedAt = (await a.store.list())[0].step;

    const b = harness(a.store);
    await b.session.handle({ type: 'start', config, runId: 'lr', backend: 'cpu', resume: true, overrides: { lr: 0.0005 } });
    await b.until((m) => m.some((x) => x.type === 'state' && x.state === 'finished'), 'the resumed run');
    expect(b.session.trainer!.config.lr).toBe(0.0005);
    expect((await b.store.list())[0].config.lr).toBe(0.0005);
    const marker = b.rows().find((r) => r.resumeLr !== undefined);
    expect(marker).toEqual({ step: stoppedAt, resumeLr: 0.0005 });
    const saved = parseCheckpoint((await b.store.load('lr', 'latest'))!);
    expect(saved.config.lr).toBe(0.0005);
    const marks = saved.metrics.column('resumeLr').filter((x) => !Number.isNaN(x));
    expect(marks.length).toBe(1);
    expect(marks[0]).toBeCloseTo(0.0005, 10); // F32 in the checkpoint
    // The steps after the resume follow the schedule of the new learning rate.
    const resumed = b.rows().find((r) => r.step === stoppedAt + 1 && r.lr !== undefined)!;
    expect(resumed.lr).toBeCloseTo(b.session.trainer!.scheduled(stoppedAt).lr, 12); // row s is the step from s − 1 (0-based)
    const before = a.rows().find((r) => r.step === stoppedAt && r.lr !== undefined)!;
    expect(resumed.lr! / before.lr!).toBeLessThan(0.3); // a quarter of the old rate, give or take one step of the schedule
  });

  it('refuses an override that changes the model or the data, naming it', async () => {
    const config = tinyConfig('proxy', { steps: 20, evalEvery: 20, checkpointEvery: 4 });
    const a = harness();
    await a.session.handle({ type: 'start', config, runId: 'cold', backend: 'cpu' });
    await a.until(checkpointAt(4), 'the first checkpoint');
    await a.session.handle({ type: 'stop' });
    const b = harness(a.store);
    await b.session.handle({ type: 'start', config, runId: 'cold', backend: 'cpu', resume: true, overrides: { dModel: 32 } });
    expect(b.messages.find((m) => m.type === 'failure')).toMatchObject({
      kind: 'invalid-config',
      message: expect.stringMatching(/resuming cannot change dModel/),
    });
  });

  it('never lowers the best validation accuracy: a best evaluation after the latest checkpoint counts', async () => {
    const config = tinyConfig('proxy', { steps: 12, evalEvery: 2, checkpointEvery: 4 });
    const a = harness();
    await a.session.handle({ type: 'start', config, runId: 'best', backend: 'cpu' });
    await a.until(checkpointAt(4), 'the first checkpoint');
    await a.session.handle({ type: 'stop' });
    // As after a best evaluation past the latest checkpoint: the latest knows of no best, the best checkpoint holds 0.99.
    const latest = parseCheckpoint((await a.store.load('best', 'latest'))!);
    const parts = {
      ...latest,
      weights: [...latest.weights].map(([name, data]) => ({ name, shape: [data.length], data })),
      moments: [...latest.moments].map(([name, { m, v }]) => ({ name, shape: [m.length], m, v })),
    };
    const summary = (await a.store.list())[0];
    await a.store.save('best', 'latest', writeCheckpoint({ ...parts, bestValAccuracy: null }), { ...summary, bestValAccuracy: 0.99 });
    await a.store.save('best', 'best', writeCheckpoint({ ...parts, bestValAccuracy: 0.99 }), { ...summary, bestValAccuracy: 0.99 });

    const b = harness(a.store);
    await b.session.handle({ type: 'start', config, runId: 'best', backend: 'cpu', resume: true });
    await b.until((m) => m.some((x) => x.type === 'eval' && x.split === 'validation'), 'the first evaluation after resuming');
    await b.session.handle({ type: 'pause' });
    const first = b.messages.find((x) => x.type === 'eval');
    expect(first).toMatchObject({ best: false }); // tiny model, a few steps: far below 0.99
    expect((await b.store.list())[0].bestValAccuracy).toBe(0.99);
    expect(parseCheckpoint((await b.store.load('best', 'best'))!).bestValAccuracy).toBe(0.99);
    await b.session.handle({ type: 'stop' });
    expect((await b.store.list())[0].bestValAccuracy).toBe(0.99);
  });
});

describe('a full storage', () => {
  it('pauses with a clear message, keeps the trained state, offers only the saved checkpoint, and goes on once there is space', async () => {
    const store = new FullableStore();
    const h = harness(store);
    const config = tinyConfig('proxy', { steps: 12, evalEvery: 12, checkpointEvery: 3 });
    await h.session.handle({ type: 'start', config, runId: 'full', backend: 'cpu' });
    await h.until(checkpointAt(3), 'the first checkpoint');
    store.full = true;
    await h.until((m) => m.some((x) => x.type === 'failure'), 'the storage-full failure');
    const failure = h.messages.find((m) => m.type === 'failure')!;
    expect(failure).toMatchObject({ kind: 'storage-full', canResume: false, lastCheckpointStep: 3, step: 6 });
    expect(failure.type === 'failure' && failure.message).toMatch(
      /^storage full: .*the latest checkpoint of step 6 was not saved\. Free space by deleting runs/,
    );
    expect(h.session.state).toBe('paused');
    expect(h.session.trainer!.step).toBe(6); // nothing trained is lost
    expect(h.messages.some((m) => m.type === 'checkpoint' && m.step === 6)).toBe(false);
    expect((await store.list())[0].step).toBe(3);
    store.full = false;
    await h.session.handle({ type: 'resume' });
    await h.until((m) => m.some((x) => x.type === 'state' && x.state === 'finished'), 'the run to finish');
    expect((await store.list())[0]).toMatchObject({ step: 12, state: 'finished' });
  });
});

describe('the runs list and the export', () => {
  it('lists a run saved while running, and not running now, as interrupted', async () => {
    const h = harness();
    const config = tinyConfig('proxy', { steps: 40, evalEvery: 40, checkpointEvery: 3 });
    await h.session.handle({ type: 'start', config, runId: 'live', backend: 'cpu' });
    await h.until(checkpointAt(3), 'the first checkpoint');
    const stale = { ...(await h.store.list())[0], runId: 'closed-tab', name: 'closed-tab' };
    await h.store.save('closed-tab', 'latest', (await h.store.load('live', 'latest'))!, stale);
    await h.session.handle({ type: 'list-runs' });
    const runs = h.messages.filter((m) => m.type === 'runs').pop();
    const states = Object.fromEntries((runs?.type === 'runs' ? runs.runs : []).map((r) => [r.runId, r.state]));
    expect(states).toEqual({ live: 'running', 'closed-tab': 'interrupted' });
    await h.session.handle({ type: 'stop' });
    // After a reload: a new session trains nothing, so a saved "running" is an interrupted run.
    const after = harness(h.store);
    await after.session.handle({ type: 'list-runs' });
    const list = after.messages.find((m) => m.type === 'runs');
    expect(list?.type === 'runs' && list.runs.map((r) => r.state).sort()).toEqual(['interrupted', 'paused']);
  });

  it('exports the last step or the best-validation checkpoint, saying which', async () => {
    const h = harness();
    const config = tinyConfig('proxy', { steps: 40, evalEvery: 4, checkpointEvery: 40 });
    await h.session.handle({ type: 'start', config, runId: 'exp', backend: 'cpu' });
    await h.until((m) => m.filter((x) => x.type === 'eval').length >= 2, 'two evaluations');
    await h.session.handle({ type: 'pause' });
    await h.session.handle({ type: 'export', requestId: 1, checkpoint: 'best' });
    await h.session.handle({ type: 'export', requestId: 2 });
    const reply = (id: number) => h.messages.find((m) => m.type === 'export' && m.requestId === id);
    const best = reply(1);
    const last = reply(2);
    const bestStep = h.messages.filter((m) => m.type === 'eval' && m.best).pop();
    expect(best?.type === 'export' && best.run).toMatchObject({ checkpoint: 'best', step: bestStep?.type === 'eval' ? bestStep.step : -1 });
    expect(last?.type === 'export' && last.run).toMatchObject({ checkpoint: 'last', step: h.session.trainer!.step });
    const csv = best?.type === 'export' ? best.run!.metricsCsv.trim().split('\n') : [];
    expect(Number(csv.at(-1)!.split(',')[0])).toBeLessThanOrEqual(best?.type === 'export' ? best.run!.step : 0);

    const fresh = harness();
    await fresh.session.handle({
      type: 'start',
      config: tinyConfig('proxy', { steps: 40, evalEvery: 40 }),
      runId: 'nobest',
      backend: 'cpu',
    });
    await fresh.session.handle({ type: 'pause' });
    await fresh.session.handle({ type: 'export', requestId: 3, checkpoint: 'best' });
    expect(fresh.messages.find((m) => m.type === 'export')).toMatchObject({
      run: null,
      error: expect.stringMatching(/no best-validation checkpoint yet/),
    });
    await fresh.session.handle({ type: 'stop' });
  });
});
