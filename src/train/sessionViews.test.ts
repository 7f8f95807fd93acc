import { describe, expect, it } from 'vitest';
import { createBackend } from './backendFactory';
import type { FromWorker, ViewsPayload } from './protocol';
import { TrainingSession } from './session';
import { MemoryCheckpointStore } from './store/memory';
import { taskFor } from './taskFromConfig';
import { tinyConfig } from './testing';

const tick = () => new Promise<void>((r) => setImmediate(r));

describe('views while a run trains (CPU backend)', () => {
  it('holds the training loop while views are computed, then goes on to the end', async () => {
    const messages: FromWorker[] = [];
    const during: number[] = [];
    const session = new TrainingSession({
      post: (m) => messages.push(m),
      createBackend: (c) => createBackend(c === 'auto' ? 'cpu' : c, undefined, {}),
      loadTask: (config) => taskFor(config),
      store: new MemoryCheckpointStore(),
      yieldToEvents: tick,
      now: () => performance.now(),
      // The views wait for the device several times (read-backs); the loop must not step meanwhile.
      views: async (trainer) => {
        const s0 = trainer.step;
        for (let i = 0; i < 20; i++) await tick();
        during.push(trainer.step - s0);
        return { example: { split: 'validation', index: 0, tokens: [1], label: 0 }, views: { n: 1, layers: [] } } as ViewsPayload;
      },
    });
    await session.handle({
      type: 'start',
      config: tinyConfig('proxy', { steps: 40, evalEvery: 20, checkpointEvery: 20 }),
      runId: 'v',
      backend: 'cpu',
    });
    // Once the run has logged its first steps, three refreshes one after another.
    while (!messages.some((m) => m.type === 'metrics')) await tick();
    for (let r = 0; r < 3; r++) await session.handle({ type: 'views', requestId: r, split: 'validation', example: 0 });
    while (!messages.some((m) => m.type === 'state' && m.state === 'finished')) await tick();
    expect(messages.filter((m) => m.type === 'views')).toHaveLength(3);
    expect(during).toEqual([0, 0, 0]);
  });
});
