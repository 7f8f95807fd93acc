/** Pause stops the run between two steps: at most the step in progress completes (CPU backend, no GPU needed). */
import { describe, expect, it } from 'vitest';
import { createBackend } from './backendFactory';
import type { FromWorker } from './protocol';
import { TrainingSession } from './session';
import { MemoryCheckpointStore } from './store/memory';
import { taskFor } from './taskFromConfig';
import { tinyConfig } from './testing';

describe('pause', () => {
  it('stops within one step of the command, says so with that step, and Step then moves exactly one', async () => {
    const messages: FromWorker[] = [];
    const session = new TrainingSession({
      post: (m) => messages.push(structuredClone(m)),
      createBackend: (c) => createBackend(c === 'auto' ? 'cpu' : c, undefined),
      loadTask: (config) => taskFor(config),
      store: new MemoryCheckpointStore(),
      yieldToEvents: () => new Promise((r) => setImmediate(r)),
      now: () => performance.now(),
    });
    const config = tinyConfig('proxy', { steps: 10_000, evalEvery: 10_000, checkpointEvery: 10_000 });
    await session.handle({ type: 'start', config, runId: 'pause', backend: 'cpu' });
    const t0 = Date.now();
    while (session.trainer!.step < 5) {
      if (Date.now() - t0 > 60_000) throw new Error(`5 steps not reached in 60 s (at step ${session.trainer!.step})`);
      await new Promise((r) => setTimeout(r, 2));
    }
    const asked = session.trainer!.step;
    await session.handle({ type: 'pause' });
    const stopped = session.trainer!.step;
    expect(stopped - asked).toBeLessThanOrEqual(1);
    const paused = messages.filter((m) => m.type === 'state' && m.state === 'paused').at(-1);
    expect(paused).toMatchObject({ step: stopped });
    // Nothing moves while paused.
    await new Promise((r) => setTimeout(r, 200));
    expect(session.trainer!.step).toBe(stopped);
    await session.handle({ type: 'step', count: 1 });
    const t1 = Date.now();
    while (session.trainer!.step < stopped + 1 && Date.now() - t1 < 30_000) await new Promise((r) => setTimeout(r, 2));
    await new Promise((r) => setTimeout(r, 100));
    expect(session.trainer!.step).toBe(stopped + 1);
    await session.handle({ type: 'stop' });
  }, 120_000);
});
