import { describe, expect, it } from 'vitest';
import { ViewsGate, answerViews } from './answerViews';
import type { FromWorker, ViewsPayload } from './protocol';
import type { Trainer } from './trainer';

describe('answerViews', () => {
  it('times the views alone, not the training steps still queued on the device before them', async () => {
    let clock = 0;
    const order: string[] = [];
    // Draining the queue takes 5 s of training work; the views themselves 60 ms.
    const trainer = {
      backend: {
        settled: async () => {
          order.push('settled');
          clock += 5000;
        },
      },
    } as unknown as Trainer;
    const posted: FromWorker[] = [];
    await answerViews(
      {
        post: (m) => posted.push(m),
        now: () => clock,
        views: async () => {
          order.push('views');
          clock += 60;
          return { example: { split: 'validation', index: 0, tokens: [1], label: 0 }, views: { n: 1, layers: [] } } as ViewsPayload;
        },
      },
      trainer,
      { type: 'views', requestId: 7, split: 'validation', example: 0 },
    );
    expect(order).toEqual(['settled', 'views']);
    expect(posted).toHaveLength(1);
    const msg = posted[0] as Extract<FromWorker, { type: 'views' }>;
    expect(msg.requestId).toBe(7);
    expect(msg.views.computeMs).toBe(60);
  });
});

describe('ViewsGate', () => {
  it('holds while work runs, even work that fails, and opens after', async () => {
    const gate = new ViewsGate();
    expect(gate.holding).toBe(false);
    let release = () => {};
    const work = gate.run(() => new Promise<void>((r) => (release = r)));
    expect(gate.holding).toBe(true);
    let idled = false;
    const idle = gate.idle().then(() => (idled = true));
    await Promise.resolve();
    expect(idled).toBe(false);
    release();
    await work;
    await idle;
    expect(idled).toBe(true);
    expect(gate.holding).toBe(false);
    const failing = gate.run(async () => {
      throw new Error('views failed');
    });
    await expect(failing).rejects.toThrow('views failed');
    expect(gate.holding).toBe(false);
    await gate.idle();
  });
});
