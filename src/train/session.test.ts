import { afterAll, describe, expect, it } from 'vitest';
import { nodeGpu } from '../engine/webgpu/node';
import { createBackend, type BackendHandle } from './backendFactory';
import type { FromWorker } from './protocol';
import { TrainingSession } from './session';
import { MemoryCheckpointStore } from './store/memory';
import { taskFor } from './taskFromConfig';
import { tinyConfig } from './testing';

const handles: BackendHandle[] = [];
afterAll(() => {
  for (const h of handles) h.destroyDevice?.();
});

function harness(choice: 'webgpu' | 'cpu' = 'webgpu') {
  const messages: FromWorker[] = [];
  const store = new MemoryCheckpointStore();
  const session = new TrainingSession({
    post: (m) => messages.push(structuredClone(m)),
    createBackend: async (c) => {
      const h = await createBackend(c === 'auto' ? choice : c, nodeGpu(), { timing: true });
      handles.push(h);
      return h;
    },
    loadTask: (config) => taskFor(config),
    store,
    yieldToEvents: () => new Promise((r) => setImmediate(r)),
    now: () => performance.now(),
  });
  const until = async (pred: (m: FromWorker[]) => boolean, what: string, ms = 90_000) => {
    const t0 = Date.now();
    while (!pred(messages)) {
      if (Date.now() - t0 > ms)
        throw new Error(`timed out waiting for ${what}; last messages: ${JSON.stringify(messages.slice(-4)).slice(0, 600)}`);
      await new Promise((r) => setTimeout(r, 5));
    }
  };
  const losses = () =>
    messages
      .flatMap((m) => (m.type === 'metrics' ? m.rows : []))
      .filter((r) => r.loss !== undefined)
      .map((r) => [r.step, r.loss!] as const);
  return { session, messages, store, until, losses };
}

const finished = (m: FromWorker[]) => m.some((x) => x.type === 'state' && x.state === 'finished');

describe('training session on WebGPU (Dawn)', () => {
  it('runs the LRA protocol: trains, evaluates, keeps the best checkpoint, tests it at the end', async () => {
    const h = harness();
    const config = tinyConfig('proxy', { steps: 12, evalEvery: 6, checkpointEvery: 6 });
    await h.session.handle({ type: 'start', config, runId: 'run-1', backend: 'webgpu' });
    await h.until(finished, 'the run to finish');
    const kinds = h.messages.map((m) => m.type);
    expect(kinds[0]).toBe('state'); // building
    expect(h.messages.find((m) => m.type === 'backend')).toMatchObject({ kind: 'webgpu' });
    const evals = h.messages.filter((m) => m.type === 'eval');
    expect(evals.filter((e) => e.type === 'eval' && e.split === 'validation').map((e) => e.type === 'eval' && e.step)).toEqual([6, 12]);
    expect(evals.filter((e) => e.type === 'eval' && e.split === 'test')).toHaveLength(1);
    expect(h.losses().map(([s]) => s)).toEqual(Array.from({ length: 12 }, (_, i) => i + 1));
    expect(await h.store.load('run-1', 'best')).not.toBeNull();
    expect((await h.store.list())[0]).toMatchObject({ runId: 'run-1', step: 12, state: 'finished' });
    const rows = h.messages.flatMap((m) => (m.type === 'metrics' ? m.rows : []));
    expect(rows.some((r) => (r.tokensPerSec ?? 0) > 0 && (r.memWeights ?? 0) > 0)).toBe(true);
    // The peak is logged with its split by category, which adds up to it (activations dominate mid-step).
    const withPeak = rows.filter((r) => r.memPeak !== undefined);
    expect(withPeak.length).toBeGreaterThan(0);
    for (const r of withPeak)
      expect(r.memPeakWeights! + r.memPeakGradients! + r.memPeakOptimizer! + r.memPeakActivations! + r.memPeakScratch!).toBe(r.memPeak);
    expect(withPeak.at(-1)!.memPeakActivations!).toBeGreaterThan(withPeak.at(-1)!.memActivations!);
    // SwiftShader has timestamp-query: GPU time per phase and the kernels table are measured.
    expect(h.messages.find((m) => m.type === 'backend')).toMatchObject({ timestampQuery: true });
    const timed = rows.filter((r) => r.gpuMsForward !== undefined);
    expect(timed.length).toBeGreaterThan(0);
    for (const r of timed) for (const v of [r.gpuMsForward!, r.gpuMsBackward!, r.gpuMsOptimizer!]) expect(v).toBeGreaterThan(0);
    const kernels = h.messages.filter((m) => m.type === 'kernels').pop();
    expect(kernels && kernels.type === 'kernels' && kernels.kernels.some((k) => /matmul/.test(k.name) && k.ms > 0 && k.calls > 0)).toBe(
      true,
    );
    // A saved run's curves are read back from its checkpoint (the page draws them after a reload).
    await h.session.handle({ type: 'saved-metrics', runId: 'run-1' });
    const saved = h.messages.find((m) => m.type === 'saved-metrics');
    const csv = saved && saved.type === 'saved-metrics' ? saved.metricsCsv : null;
    expect(csv?.split('\n')[0]).toMatch(/^step,/);
    expect(csv!.trim().split('\n').length - 1).toBeGreaterThanOrEqual(12);
    await h.session.handle({ type: 'saved-metrics', runId: 'never-saved' });
    expect(h.messages.filter((m) => m.type === 'saved-metrics').pop()).toMatchObject({
      metricsCsv: null,
      error: expect.stringMatching(/never-saved has no saved checkpoint/),
    });
  });

  it('pauses on a non-finite loss and resumes from the last checkpoint with a lower learning rate', async () => {
    const h = harness();
    const config = tinyConfig('nystrom', { steps: 30, evalEvery: 30, checkpointEvery: 4 });
    await h.session.handle({ type: 'start', config, runId: 'nan', backend: 'webgpu' });
    await h.until((m) => m.some((x) => x.type === 'checkpoint' && x.step === 4), 'the first checkpoint');
    await h.session.handle({ type: 'pause' });
    const t = h.session.trainer!;
    const name = t.model.params.names()[0];
    t.model.params.load(name, new Float32Array(t.model.params.get(name).size).fill(NaN));
    await h.session.handle({ type: 'resume' });
    await h.until((m) => m.some((x) => x.type === 'failure'), 'the non-finite failure');
    const failure = h.messages.find((m) => m.type === 'failure')!;
    expect(failure).toMatchObject({ kind: 'non-finite-loss', canResume: true });
    expect(h.session.state).toBe('paused');
    const stepAtFailure = h.session.trainer!.step;
    const lastCkpt = failure.type === 'failure' ? failure.lastCheckpointStep! : -1;
    expect(lastCkpt).toBeGreaterThanOrEqual(4);
    const before = h.messages.length;
    const lrBefore = h.losses().length;
    await h.session.handle({ type: 'resume', lrScale: 0.5 });
    expect(h.session.trainer!.lrScale).toBe(0.5);
    await h.until(finished, 'the resumed run to finish');
    // The resumed run restarts right after the checkpoint, with half the scheduled learning rate.
    const resumedRows = h.messages
      .slice(before)
      .flatMap((m) => (m.type === 'metrics' ? m.rows : []))
      .filter((r) => r.loss !== undefined);
    expect(resumedRows[0].step).toBe(lastCkpt + 1);
    const firstTime = h.messages
      .slice(0, before)
      .flatMap((m) => (m.type === 'metrics' ? m.rows : []))
      .find((r) => r.step === lastCkpt + 1)!;
    expect(resumedRows[0].lr! / firstTime.lr!).toBeCloseTo(0.5, 10);
    expect(lrBefore).toBeGreaterThan(0);
    const after = h.losses().filter(([s]) => s > stepAtFailure);
    expect(after.length).toBeGreaterThan(0);
    for (const [, l] of after) expect(Number.isFinite(l)).toBe(true);
  });

  it('recovers from a lost device: reports it and continues from the last checkpoint on a new device', async () => {
    const config = tinyConfig('proxy', { steps: 16, evalEvery: 16, checkpointEvery: 5 });
    const straight = harness();
    await straight.session.handle({ type: 'start', config, runId: 'straight', backend: 'webgpu' });
    await straight.until(finished, 'the uninterrupted run');

    const h = harness();
    await h.session.handle({ type: 'start', config, runId: 'lost', backend: 'webgpu' });
    await h.until((m) => m.some((x) => x.type === 'checkpoint' && x.step === 5), 'the checkpoint of step 5');
    await h.until(() => (h.session.trainer?.step ?? 0) >= 7, 'step 7');
    handles[handles.length - 1].destroyDevice!();
    await h.until(finished, 'the recovered run to finish');
    const failure = h.messages.find((m) => m.type === 'failure');
    expect(failure).toMatchObject({ kind: 'device-lost', lastCheckpointStep: 5, canResume: true });
    expect(h.messages.filter((m) => m.type === 'backend')).toHaveLength(2); // a second device
    // After the loss the run repeats steps 6.. from the checkpoint: the same values as never interrupted.
    const ref = new Map(straight.losses());
    const last = new Map(h.losses());
    for (let s = 6; s <= 16; s++) expect(last.get(s)).toBeCloseTo(ref.get(s)!, 5);
  });

  it('refuses a model over the device limits before training, with the numbers', async () => {
    const h = harness();
    const config = tinyConfig('softmax', { seqLen: 64, listopsMaxLen: 60 });
    const huge = { ...config, batchSize: 100000 };
    await h.session.handle({ type: 'start', config: huge, runId: 'huge', backend: 'webgpu' });
    const failure = h.messages.find((m) => m.type === 'failure');
    expect(failure).toMatchObject({ canResume: false });
    expect(failure && failure.type === 'failure' && failure.kind).toMatch(/over-limit|invalid-config/);
    expect(failure && failure.type === 'failure' && failure.message).toMatch(/\d/);
    expect(h.session.state).toBe('failed');
  });

  it('applies hot settings from the next step and refuses cold ones with a message (CPU backend)', async () => {
    const h = harness('cpu');
    const config = tinyConfig('proxy', { steps: 400, evalEvery: 400, checkpointEvery: 400 });
    await h.session.handle({ type: 'start', config, runId: 'hot', backend: 'cpu' });
    expect(h.messages.find((m) => m.type === 'backend')).toMatchObject({ kind: 'cpu', label: expect.stringMatching(/CPU reference/) });
    await h.until(() => h.losses().length >= 3, 'three steps');
    await h.session.handle({ type: 'pause' });
    await h.session.handle({ type: 'update', changes: { seqLen: 64 } });
    expect(h.messages.find((m) => m.type === 'cold-change')).toMatchObject({
      keys: ['seqLen'],
      message: expect.stringMatching(/start a new run/),
    });
    const stepAt = h.session.trainer!.step;
    const oldLr = h.session.trainer!.scheduled(stepAt).lr;
    await h.session.handle({ type: 'update', changes: { lr: config.lr * 10, contrastiveWeight: 0 } });
    const expectedLr = h.session.trainer!.scheduled(stepAt).lr;
    expect(expectedLr / oldLr).toBeCloseTo(10, 10);
    await h.session.handle({ type: 'step', count: 2 });
    await h.until(() => h.losses().some(([s]) => s === stepAt + 2), 'two single steps');
    const rows = h.messages.flatMap((m) => (m.type === 'metrics' ? m.rows : []));
    const next = rows.find((r) => r.step === stepAt + 1 && r.lr !== undefined)!;
    expect(next.lr).toBeCloseTo(expectedLr, 12);
    expect(next.loss).toBeCloseTo(next.taskLoss!, 12); // λ = 0 from the next step on
    expect(h.session.state).toBe('paused');
    // Export between steps: every parameter and its AdamW moments, with the metrics so far.
    await h.session.handle({ type: 'export', requestId: 7 });
    const reply = h.messages.find((m) => m.type === 'export');
    expect(reply && reply.type === 'export' && reply.requestId).toBe(7);
    const run = reply && reply.type === 'export' ? reply.run! : null;
    const names = h.session.trainer!.model.params.names();
    expect(run!.weights.map(([n]) => n)).toEqual(names);
    expect(run!.optimizer.expAvg.map(([n]) => n).sort()).toEqual([...names].sort());
    expect(run!.optimizer.step).toBe(h.session.trainer!.optimizer.stepCount);
    expect(run!.metricsCsv.split('\n').length).toBeGreaterThan(3);
    await h.session.handle({ type: 'stop' });
    await h.session.handle({ type: 'export', requestId: 8 });
    expect(h.messages.find((m) => m.type === 'export' && m.requestId === 8)).toMatchObject({
      run: null,
      error: expect.stringMatching(/no run to export/),
    });
  });

  it('trains Linformer, Performer (with a feature redraw) and linear attention to the end of the protocol (CPU backend)', async () => {
    for (const [attention, over] of [
      ['linformer', {}],
      ['performer', { performerRedraw: 2, performerKernel: 'softmax' }],
      ['linear', {}],
    ] as const) {
      const h = harness('cpu');
      const config = tinyConfig(attention, { steps: 6, evalEvery: 6, checkpointEvery: 3, ...over });
      await h.session.handle({ type: 'start', config, runId: attention, backend: 'cpu' });
      await h.until(finished, `the ${attention} run`);
      expect(
        h.losses().map(([s]) => s),
        attention,
      ).toEqual([1, 2, 3, 4, 5, 6]);
      expect(h.losses().every(([, l]) => Number.isFinite(l) && l > 0)).toBe(true);
      expect(h.messages.filter((m) => m.type === 'eval' && m.split === 'test')).toHaveLength(1);
      expect((await h.store.list())[0]).toMatchObject({ runId: attention, step: 6, state: 'finished' });
    }
  });

  it('continues the loss curve from an imported run (weights, AdamW state, step), exactly (CPU backend)', async () => {
    const config = tinyConfig('proxy', { steps: 80, evalEvery: 80, checkpointEvery: 80 });
    const a = harness('cpu');
    await a.session.handle({ type: 'start', config, runId: 'a', backend: 'cpu' });
    await a.until(() => a.losses().length >= 4, 'four steps');
    await a.session.handle({ type: 'pause' });
    await a.session.handle({ type: 'export', requestId: 1 });
    const exported = a.messages.find((m) => m.type === 'export');
    const run = exported && exported.type === 'export' ? exported.run! : null;
    expect(run).not.toBeNull();
    await a.session.handle({ type: 'resume' });
    await a.until(finished, 'the uninterrupted run');

    const b = harness('cpu');
    await b.session.handle({
      type: 'start',
      config,
      runId: 'b',
      backend: 'cpu',
      from: { weights: run!.weights, optimizer: run!.optimizer, metricsCsv: run!.metricsCsv },
    });
    await b.until(finished, 'the imported run');
    const ref = new Map(a.losses());
    const cont = b.losses().filter(([step]) => step > run!.step);
    expect(cont[0][0]).toBe(run!.step + 1);
    expect(run!.step).toBeLessThan(80);
    expect(cont.length).toBe(80 - run!.step);
    for (const [step, loss] of cont) expect(loss).toBe(ref.get(step));

    const c = harness('cpu');
    const bad = run!.weights.map(([n, w]) => [n, w.subarray(1)] as [string, Float32Array]);
    await c.session.handle({ type: 'start', config, runId: 'c', backend: 'cpu', from: { weights: bad, optimizer: null, metricsCsv: '' } });
    expect(c.messages.find((m) => m.type === 'failure')).toMatchObject({
      kind: 'invalid-config',
      message: expect.stringMatching(/do not fit this model/),
    });
  });
});
