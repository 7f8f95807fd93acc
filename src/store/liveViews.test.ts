import { describe, expect, it } from 'vitest';
import { PRESETS } from '../presets';
import type { FromWorker, ToWorker } from '../train/protocol';
import { LiveViews } from './liveViews';
import { MIN_INTERVAL_MS } from './livePacing';
import { TrainingClient, type WorkerLike } from './trainingStore';

class FakeWorker implements WorkerLike {
  sent: ToWorker[] = [];
  onmessage: ((ev: { data: unknown }) => void) | null = null;
  onerror: ((ev: { message?: string }) => void) | null = null;
  postMessage(m: ToWorker): void {
    this.sent.push(m);
  }
  terminate(): void {}
  reply(m: FromWorker): void {
    this.onmessage?.({ data: m });
  }
}

const mat = (r: number, c: number, v: number) => ({ rows: r, cols: c, data: new Float32Array(r * c).fill(v) });

function setup() {
  const worker = new FakeWorker();
  let clock = 0;
  const client = new TrainingClient({ createWorker: () => worker, schedule: () => undefined, now: () => 1 });
  const live = new LiveViews(client, () => clock);
  live.attach();
  const requests = () => worker.sent.filter((m): m is Extract<ToWorker, { type: 'views' }> => m.type === 'views');
  const answer = (step: number, cos: number, computeMs: number) => {
    const r = requests().at(-1)!;
    worker.reply({ type: 'state', state: 'running', step, totalSteps: 100 });
    worker.reply({
      type: 'views',
      requestId: r.requestId,
      views: {
        example: { split: 'validation', index: r.example, tokens: [1, 2], label: 0 },
        views: {
          n: 2,
          layers: [
            { heads: [{ K2: mat(2, 2, 1), qMeanOffDiagonal: cos, kMeanOffDiagonal: cos, pinvResiduals: new Float32Array([1, 0.5]) }] },
          ],
        },
        computeMs,
      },
    });
  };
  const tick = (ms: number, step: number) => {
    clock += ms;
    worker.reply({ type: 'state', state: 'running', step, totalSteps: 100 });
  };
  return { worker, client, live, requests, answer, tick };
}

describe('live views', () => {
  it('asks for views as soon as a run trains, then paced by their cost, and records every reply', () => {
    const { client, live, requests, answer, tick } = setup();
    client.start(PRESETS['quick-listops-proxy'].config, 'q');
    expect(requests()).toHaveLength(0); // building: no model yet
    tick(0, 0);
    expect(requests()).toHaveLength(1); // from step 0, with no setting
    tick(10, 0);
    expect(requests()).toHaveLength(1); // one in flight at a time
    answer(1, 0.9, 60_000); // the first reply compiles its pipelines: not the cost of a refresh
    expect(live.store.getState().intervalMs).toBe(MIN_INTERVAL_MS);
    tick(MIN_INTERVAL_MS, 3);
    expect(requests()).toHaveLength(2);
    answer(3, 0.9, 500); // 500 ms of views: wait 4.5 s for a 10 % share
    expect(live.store.getState().intervalMs).toBe(4500);
    tick(MIN_INTERVAL_MS, 5);
    expect(requests()).toHaveLength(2);
    tick(2600, 9);
    expect(requests()).toHaveLength(3);
    answer(10, 0.5, 100);
    const runId = client.store.getState().runId!;
    const s = live.store.getState();
    expect(s.history[runId]).toEqual([
      { step: 1, redundancy: 0.9, pinvResidual: 0.5 },
      { step: 3, redundancy: 0.9, pinvResidual: 0.5 },
      { step: 10, redundancy: 0.5, pinvResidual: 0.5 },
    ]);
    expect(s.snapshots[runId].map((v) => v.step)).toEqual([1, 3, 10]);
    expect(s.pace?.steps).toBe(4.5);
  });

  it('stops asking while paused by the user, and asks at once for a new example', () => {
    const { client, live, requests, answer, tick } = setup();
    client.start(PRESETS['quick-listops-proxy'].config, 'q');
    tick(0, 0);
    answer(1, 0.9, 10);
    live.setLive(false);
    tick(60_000, 50);
    expect(requests()).toHaveLength(1);
    live.setLive(true);
    expect(requests()).toHaveLength(2);
    answer(51, 0.8, 10);
    live.setExample(7, 'test');
    expect(requests().at(-1)).toMatchObject({ example: 7, split: 'test' });
  });

  it('waits for a slow reply while the run trains, and asks again once it trained on after a pause', () => {
    const { client, worker, requests, tick } = setup();
    client.start(PRESETS['quick-listops-proxy'].config, 'q');
    tick(0, 0);
    expect(requests()).toHaveLength(1);
    tick(120_000, 3); // slow, but not lost: a new request would make its reply stale
    expect(requests()).toHaveLength(1);
    worker.reply({ type: 'state', state: 'paused', step: 3, totalSteps: 100 });
    tick(10, 3); // the request of a run that stopped meanwhile may never be answered
    expect(requests()).toHaveLength(2);
  });
});
