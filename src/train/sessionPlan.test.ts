/**
 * The session plans a run's memory before it loads any data or builds anything: a config that
 * cannot fit is refused at once (with the estimate, the limit and what to change), the plan is
 * announced (the CLI prints its line), a split batch trains as micro-batches, and on WebGPU a
 * plan that needs buffers over the 128 MiB default gets a device with the adapter's limits.
 */
import { afterAll, describe, expect, it } from 'vitest';
import type { RunConfig } from '../config';
import { nodeGpu } from '../engine/webgpu/node';
import { createBackend, type BackendHandle } from './backendFactory';
import type { RequestedLimits } from './memoryPlan';
import type { BackendChoice, FromWorker } from './protocol';
import { TrainingSession } from './session';
import { MemoryCheckpointStore } from './store/memory';
import { taskFor } from './taskFromConfig';
import { tinyConfig } from './testing';

const handles: BackendHandle[] = [];
afterAll(() => {
  for (const h of handles) h.destroyDevice?.();
});

function harness(loadTask: (c: RunConfig) => ReturnType<typeof taskFor> = (c) => taskFor(c)) {
  const messages: FromWorker[] = [];
  const requested: (RequestedLimits | null | undefined)[] = [];
  let loads = 0;
  const session = new TrainingSession({
    post: (m) => messages.push(m),
    createBackend: async (choice: BackendChoice, limits?: RequestedLimits | null) => {
      requested.push(limits);
      const h = await createBackend(choice, choice === 'cpu' ? undefined : nodeGpu(), { limits });
      handles.push(h);
      return h;
    },
    loadTask: (c) => {
      loads++;
      return loadTask(c);
    },
    store: new MemoryCheckpointStore(),
    yieldToEvents: () => new Promise((r) => setImmediate(r)),
    now: () => performance.now(),
  });
  return { session, messages, requested, loads: () => loads };
}

const failure = (m: FromWorker[]) => m.find((x) => x.type === 'failure');
const plan = (m: FromWorker[]) => m.find((x) => x.type === 'plan');

describe('memory plan in the training session', () => {
  it('refuses a config over the CPU budget before loading its data', async () => {
    const h = harness();
    const config = tinyConfig('softmax', { seqLen: 16384, listopsMaxLen: 30, batchSize: 2 });
    await h.session.handle({ type: 'start', config, runId: 'too-big', backend: 'cpu' });
    expect(h.loads()).toBe(0);
    expect(failure(h.messages)).toMatchObject({ kind: 'over-limit', canResume: false });
    const message = (failure(h.messages) as { message: string }).message;
    expect(message).toMatch(
      /^batch 2 as 2 × 1: a training step needs an estimated [\d.]+ GiB .* over the CPU backend's budget of 2\.0 GiB: lower seqLen/,
    );
    expect(h.session.state).toBe('failed');
  });

  it('announces the plan and trains a split batch as micro-batches', async () => {
    const h = harness();
    const config = tinyConfig('proxy', { batchSize: 4, microBatches: 2, steps: 2, warmupSteps: 1, evalEvery: 2, testSize: 4 });
    await h.session.handle({ type: 'start', config, runId: 'split', backend: 'cpu' });
    expect(plan(h.messages)).toMatchObject({ type: 'plan', runId: 'split', microBatches: 2 });
    expect((plan(h.messages) as { line: string }).line).toMatch(/^memory: batch 4 as 2 × 2 · estimated [\d.]+ [KM]iB of 2\.0 GiB$/);
    expect(h.session.trainer?.microBatches).toBe(2);
    const t0 = Date.now();
    while (!h.messages.some((m) => m.type === 'state' && m.state === 'finished') && Date.now() - t0 < 60_000)
      await new Promise((r) => setTimeout(r, 5));
    const losses = h.messages.flatMap((m) => (m.type === 'metrics' ? m.rows : [])).filter((r) => r.loss !== undefined);
    expect(losses.map((r) => r.step)).toEqual([1, 2]);
    expect(losses.every((r) => Number.isFinite(r.loss))).toBe(true);
  });

  it('on WebGPU, asks the adapter for its limits when the whole batch needs a buffer over 128 MiB (before building)', async () => {
    // softmax, batch 32, n 1024, 2 heads: the attention matrix is [32, 2, 1024, 1024] = 256 MiB.
    let limitsAtLoad: { maxStorageBufferBindingSize: number } | null = null;
    const h = harness(async () => {
      limitsAtLoad = handles[handles.length - 1].backend.limits();
      throw new Error('stop after planning (the test builds nothing this large)');
    });
    const config = tinyConfig('softmax', { seqLen: 1024, listopsMaxLen: 30, batchSize: 32 });
    await h.session.handle({ type: 'start', config, runId: 'large', backend: 'webgpu' });
    const line = (plan(h.messages) as { line: string }).line;
    expect(line).toMatch(/^memory: batch 32 · estimated .* · buffers up to 256\.0 MiB \(adapter limits requested\)$/);
    expect(h.requested[0]).toBeNull();
    expect(h.requested[1]?.maxStorageBufferBindingSize).toBeGreaterThanOrEqual(256 * 1024 * 1024);
    expect(limitsAtLoad!.maxStorageBufferBindingSize).toBe(h.requested[1]!.maxStorageBufferBindingSize);
  });
});
