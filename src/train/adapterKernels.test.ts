/**
 * The worker's kernel set-up on SwiftShader, end to end through a training session: the peak
 * is probed once and kept in the tuning store, the shape classes of the first step are tuned
 * between steps and the page is told each choice, the kernels message carries flops and bytes,
 * and a second session on the same store reuses both without timing anything again.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { MemoryTuneStore, setSoftwareTuning } from '../engine/webgpu/autotune/store';
import { nodeGpu } from '../engine/webgpu/node';
import type { AdapterKernels } from './adapterKernels';
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

async function run(tuning: MemoryTuneStore): Promise<FromWorker[]> {
  const messages: FromWorker[] = [];
  const session = new TrainingSession({
    post: (m) => messages.push(structuredClone(m)),
    createBackend: async (c) => {
      // One timed run per candidate: the test checks the path, not the pick (the machine is shared).
      const h = await createBackend(c, nodeGpu(), { timing: true, tuning, tunerOptions: { repeats: 1, warmup: 0 }, tuneSoftware: true });
      handles.push(h);
      return h;
    },
    loadTask: (config) => taskFor(config),
    store: new MemoryCheckpointStore(),
    yieldToEvents: () => new Promise((r) => setImmediate(r)),
    now: () => performance.now(),
  });
  await session.handle({
    type: 'start',
    config: tinyConfig('proxy', { steps: 3, warmupSteps: 1, evalEvery: 3, checkpointEvery: 3, evalSteps: 1 }),
    runId: 'tune',
    backend: 'webgpu',
  });
  const t0 = Date.now();
  while (!messages.some((m) => m.type === 'state' && (m.state === 'finished' || m.state === 'failed'))) {
    if (Date.now() - t0 > 280_000) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 5));
  }
  expect(messages.find((m) => m.type === 'state' && m.state === 'failed')).toBeUndefined();
  return messages;
}

const lastAdapter = (ms: FromWorker[]): AdapterKernels => ms.filter((m) => m.type === 'backend').at(-1)!.adapter!;

describe('kernels fitted to the adapter, in a training session', () => {
  it('probes the peak, tunes the first step’s matmul and softmax classes, reports them, and a second session reuses all of it', async () => {
    const tuning = new MemoryTuneStore();
    const first = await run(tuning);
    const a = lastAdapter(first);
    expect(a.peak!.gflops).toBeGreaterThan(0);
    expect(a.peak!.gbps).toBeGreaterThan(0);
    expect(a.rowReduction).toBe('serial'); // a software adapter: one invocation per row
    expect(a.subgroups).toMatch(/^subgroups of \d/);
    expect(a.tuning).toMatch(/kept in memory/);
    expect(a.tuningError).toBeUndefined();
    expect(a.matmul.length).toBeGreaterThan(0);
    for (const d of a.matmul) {
      expect(d.source).toBe('tuned');
      expect(d.rejected).toEqual([]);
      expect(d.ms[d.choice]).toBe(Math.min(...Object.values(d.ms).map(Number)));
    }
    const kernels = first.filter((m) => m.type === 'kernels').at(-1);
    expect(kernels?.type === 'kernels' && kernels.kernels.some((k) => k.name.startsWith('matmul') && (k.flops ?? 0) > 0)).toBe(true);
    const losses = first.flatMap((m) => (m.type === 'metrics' ? m.rows : [])).filter((r) => r.loss !== undefined);
    expect(losses.length).toBe(3);
    for (const r of losses) expect(Number.isFinite(r.loss)).toBe(true);

    // The tiny Proxyformer's softmax (over its proxies) got a layout too, every one valid.
    expect(a.rows.length).toBeGreaterThan(0);
    for (const d of a.rows) expect([d.source, d.rejected]).toEqual(['tuned', []]);

    const saves = tuning.saves;
    const second = lastAdapter(await run(tuning));
    expect(second.peak).toEqual(a.peak);
    expect(second.matmul.map((d) => [d.shapeClass, d.choice, d.source])).toEqual(a.matmul.map((d) => [d.shapeClass, d.choice, 'cache']));
    expect(second.rows.map((d) => [d.shapeClass, d.choice, d.source])).toEqual(a.rows.map((d) => [d.shapeClass, d.choice, 'cache']));
    expect(tuning.saves).toBe(saves);
  }, 600_000);
});

describe('tuning on a software adapter', () => {
  it('is off unless asked for (the store’s switch or the caller), and says so', async () => {
    const store = new MemoryTuneStore();
    const off = await createBackend('webgpu', nodeGpu(), { tuning: store });
    handles.push(off);
    expect(off.tuner).toBeNull();
    expect(off.adapter).toMatchObject({ softwareTuning: false, peak: null, matmul: [], rows: [] });
    expect(off.adapter!.tuning).toMatch(/^off on this software adapter/);
    await setSoftwareTuning(store, true);
    const on = await createBackend('webgpu', nodeGpu(), { tuning: store });
    handles.push(on);
    expect(on.tuner).not.toBeNull();
    expect(on.adapter).toMatchObject({ softwareTuning: true, tuning: 'tuned on first use, kept in memory' });
    const none = await createBackend('webgpu', nodeGpu(), {});
    handles.push(none);
    expect(none.adapter).toMatchObject({ softwareTuning: false, tuning: 'off: the documented rules choose (matmulChoice.ts, rowKernels)' });
  });
});
