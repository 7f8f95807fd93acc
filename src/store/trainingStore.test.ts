import { describe, expect, it } from 'vitest';
import type { RunConfig } from '../config';
import { PRESETS } from '../presets';
import type { FromWorker, ToWorker } from '../train/protocol';
import { TrainingClient, type WorkerLike } from './trainingStore';

/** A worker that records what the page sends and lets the test answer. */
class FakeWorker implements WorkerLike {
  sent: ToWorker[] = [];
  onmessage: ((ev: { data: unknown }) => void) | null = null;
  onerror: ((ev: { message?: string }) => void) | null = null;
  terminated = false;
  postMessage(m: ToWorker): void {
    this.sent.push(m);
  }
  terminate(): void {
    this.terminated = true;
  }
  reply(m: FromWorker | Record<string, unknown>): void {
    this.onmessage?.({ data: m });
  }
}

function setup() {
  const worker = new FakeWorker();
  const timers: (() => void)[] = [];
  let ids = 0;
  const client = new TrainingClient({
    createWorker: () => worker,
    schedule: (fn) => void timers.push(fn),
    now: () => 1000,
    makeRunId: (c) => `${c.attention}-${++ids}`,
  });
  const flush = () => {
    for (const f of timers.splice(0)) f();
  };
  return { worker, client, flush };
}

const config: RunConfig = PRESETS['quick-listops-proxy'].config;

describe('training client (fake worker)', () => {
  it('starts a run and sends the protocol messages for each control', () => {
    const { worker, client } = setup();
    const runId = client.start(config, 'quick');
    expect(runId).toBe('proxy-1');
    expect(worker.sent[0]).toEqual({ type: 'start', config, runId, backend: 'auto' });
    expect(client.store.getState()).toMatchObject({ runState: 'building', runId, totalSteps: config.steps });
    expect(() => client.start(config, 'again')).toThrow(/a run is building: stop it before starting another/);
    client.pause();
    client.resume();
    client.step();
    client.stop();
    client.reset();
    expect(worker.sent.slice(1).map((m) => m.type)).toEqual(['pause', 'resume', 'step', 'stop', 'reset']);
  });

  it('sends a rename with its notes and keeps why the worker refused one', () => {
    const { worker, client } = setup();
    client.annotateRun('old', { label: 'baseline', notes: 'seed 1' });
    expect(worker.sent.at(-1)).toEqual({ type: 'annotate-run', runId: 'old', annotation: { label: 'baseline', notes: 'seed 1' } });
    worker.reply({ type: 'runs', runs: [], error: 'run old is not saved' });
    expect(client.store.getState().runsError).toBe('run old is not saved');
    worker.reply({ type: 'runs', runs: [] });
    expect(client.store.getState().runsError).toBeNull();
  });

  it('keeps metrics outside the store and bumps the version once per flush', () => {
    const { worker, client, flush } = setup();
    const runId = client.start(config, 'quick');
    const before = client.store.getState().metricsVersion;
    let notifications = 0;
    client.store.subscribe(() => notifications++);
    for (let i = 0; i < 50; i++) worker.reply({ type: 'metrics', runId, rows: [{ step: i, loss: 2 - i / 100 }] });
    expect(notifications).toBe(0); // 50 messages, no React-visible change yet
    expect(client.metrics(runId).length).toBe(50);
    flush();
    expect(client.store.getState().metricsVersion).toBe(before + 1);
    expect(client.store.getState().step).toBe(49); // the progress follows the metrics
    expect(notifications).toBe(1);
    expect('rows' in client.store.getState()).toBe(false);
    expect(client.hasMetrics(runId)).toBe(true);
  });

  it('brings a saved run’s curves into the page from its checkpoint, once, and reports a missing one', async () => {
    const { worker, client } = setup();
    const before = client.store.getState().metricsVersion;
    const a = client.loadSavedMetrics('old');
    const b = client.loadSavedMetrics('old');
    expect(worker.sent.filter((m) => m.type === 'saved-metrics')).toEqual([{ type: 'saved-metrics', runId: 'old' }]);
    worker.reply({ type: 'saved-metrics', runId: 'old', metricsCsv: 'step,taskLoss\n1,2.5\n2,2.25\n' });
    await Promise.all([a, b]);
    expect([...client.metrics('old').column('taskLoss')]).toEqual([2.5, 2.25]);
    expect(client.store.getState().metricsVersion).toBe(before + 1);
    await client.loadSavedMetrics('old'); // already in the page: nothing is asked
    expect(worker.sent.filter((m) => m.type === 'saved-metrics')).toHaveLength(1);
    const missing = client.loadSavedMetrics('gone');
    worker.reply({ type: 'saved-metrics', runId: 'gone', metricsCsv: null, error: 'run gone has no saved checkpoint (IndexedDB)' });
    await expect(missing).rejects.toThrow(/gone has no saved checkpoint/);
    expect(client.hasMetrics('gone')).toBe(false);
  });

  it('follows state, eval, checkpoint, backend and saved-run messages', () => {
    const { worker, client } = setup();
    const runId = client.start(config, 'quick');
    worker.reply({ type: 'backend', kind: 'webgpu', label: 'WebGPU · SwiftShader (software)', timestampQuery: true });
    worker.reply({ type: 'state', state: 'running', step: 3, totalSteps: 400 });
    worker.reply({ type: 'eval', runId, split: 'validation', step: 50, loss: 1.5, accuracy: 0.4, best: true });
    worker.reply({ type: 'checkpoint', runId, step: 100, bytes: 1234 });
    worker.reply({
      type: 'runs',
      runs: [{ runId: 'old', name: 'old run', config, step: 10, updatedAt: 1, bestValAccuracy: 0.3, testAccuracy: null, state: 'paused' }],
    });
    worker.reply({ type: 'not-a-message-type' });
    worker.reply('garbage' as never);
    const s = client.store.getState();
    expect(s).toMatchObject({
      runState: 'running',
      step: 3,
      backend: { kind: 'webgpu', timestampQuery: true },
      lastCheckpoint: { step: 100 },
    });
    expect(s.evals[runId]).toEqual([{ split: 'validation', step: 50, loss: 1.5, accuracy: 0.4, best: true }]);
    expect(s.savedRuns.map((r) => r.runId)).toEqual(['old']);
    expect(() => client.resumeSaved(s.savedRuns[0])).toThrow(/a run is running: stop it before resuming another/);
    worker.reply({ type: 'state', state: 'finished', step: 400, totalSteps: 400 });
    client.resumeSaved(s.savedRuns[0]);
    expect(worker.sent[worker.sent.length - 1]).toEqual({ type: 'start', config, runId: 'old', backend: 'auto', resume: true });
    expect(client.store.getState()).toMatchObject({ runId: 'old', step: 10, runState: 'building' });
  });

  it('offers recovery after a non-finite loss: resume with a lower learning rate', () => {
    const { worker, client } = setup();
    client.start(config, 'quick');
    expect(() => client.recoverWithLowerLr()).toThrow(/no failure to recover from/);
    worker.reply({ type: 'state', state: 'paused', step: 40, totalSteps: 400 });
    worker.reply({
      type: 'failure',
      kind: 'non-finite-loss',
      message: 'loss is NaN at step 40',
      step: 40,
      lastCheckpointStep: 30,
      canResume: true,
    });
    expect(client.store.getState().failure).toMatchObject({ kind: 'non-finite-loss', lastCheckpointStep: 30 });
    client.recoverWithLowerLr();
    expect(worker.sent[worker.sent.length - 1]).toEqual({ type: 'resume', lrScale: 0.5 });
    expect(client.store.getState().failure).toBeNull();
  });

  it('sends hot changes of an active run and turns cold ones into a rebuild notice', () => {
    const { worker, client } = setup();
    client.update({ lr: 0.01 });
    expect(worker.sent).toEqual([]); // nothing runs: nothing to update
    client.start(config, 'quick');
    client.update({ lr: 0.01, layers: 3 });
    expect(worker.sent[1]).toEqual({ type: 'update', changes: { lr: 0.01 } });
    expect(client.store.getState().coldNotice?.message).toMatch(/^layers needs a rebuild/);
    expect(client.store.getState().runConfig?.lr).toBe(0.01);
    worker.reply({ type: 'cold-change', keys: ['seqLen'], message: 'seqLen needs a rebuild' });
    expect(client.store.getState().coldNotice).toEqual({ keys: ['seqLen'], message: 'seqLen needs a rebuild' });
  });

  it('accepts views only for the pending request and reports malformed ones', () => {
    const { worker, client } = setup();
    client.start(config, 'quick');
    const id = client.requestViews(3);
    expect(worker.sent[1]).toEqual({ type: 'views', requestId: id, split: 'validation', example: 3 });
    // The worker's shape: { example, views: ModelViews } (src/model/views.ts).
    const k3 = { rows: 1, cols: 2, data: new Float32Array([0.25, 0.75]) };
    const payload = {
      example: { split: 'validation', index: 3, tokens: [1, 2], label: 4 },
      views: {
        n: 2,
        layers: [
          {
            heads: [
              {
                K1: { rows: 2, cols: 1, data: new Float32Array([1, 1]) },
                K3: k3,
                pinvResiduals: new Float32Array([1, 0.1]),
                kMeanOffDiagonal: 0.2,
                error: { maxAbs: 0.1, relativeFrobenius: 0.05 },
              },
            ],
          },
        ],
      },
    };
    worker.reply({ type: 'views', requestId: id + 7, views: payload });
    expect(client.store.getState().views).toBeNull();
    worker.reply({ type: 'views', requestId: id, views: payload });
    const v = client.store.getState().views!;
    expect(v).toMatchObject({
      task: 'listops',
      attention: 'proxy',
      seqLen: 2,
      landmarks: config.landmarks,
      example: { index: 3, label: 4 },
    });
    expect(v.heads[0][0]).toMatchObject({
      kernel3: k3,
      pinvResidual: [1, expect.closeTo(0.1, 6)],
      keyMeanOffDiagonal: 0.2,
      approxError: { maxAbs: 0.1, relFrobenius: 0.05 },
    });
    expect(Array.from(v.example.tokens)).toEqual([1, 2]);
    expect(client.redundancy(client.store.getState().runId!).last('proxyCosine')).toBeCloseTo(0.2, 6); // the redundancy chart's point
    const id2 = client.requestViews(0);
    worker.reply({
      type: 'views',
      requestId: id2,
      views: { ...payload, views: { n: 2, layers: [{ heads: [{ K3: { rows: 2, cols: 2, data: new Float32Array(3) } }] }] } },
    });
    expect(client.store.getState().viewsError).toMatch(/layers\[0\].heads\[0\].K3.data has 3 values, expected 2 × 2 = 4/);
  });

  it('says so when the worker cannot be created', () => {
    const client = new TrainingClient({
      createWorker: () => {
        throw new Error('no such file');
      },
    });
    expect(() => client.start(config, 'x')).toThrow(/could not be created: no such file/);
  });
});
