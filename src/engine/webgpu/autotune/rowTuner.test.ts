/**
 * The softmax row-layout tuner on SwiftShader: every layout (serial, barrier tree and subgroups
 * at each workgroup size) passes the CPU check on the real kernels, the fake timer's fastest is
 * fixed in the backend and runs from then on, and a new backend over the same store reuses it.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CpuBackend } from '../../cpu/backend';
import { WebGpuBackend } from '../backend';
import { acquireGpu, type GpuContext } from '../device';
import { nodeGpu } from '../node';
import { diff, randomArray, seededRandom } from '../testing/twin';
import { wallClock } from './matmulTuner';
import { type RowClock, rowCandidates, rowConfigName } from './rowTuner';
import { MemoryTuneStore, adapterKey } from './store';
import { Autotuner } from './tuner';

let ctx: GpuContext;
beforeAll(async () => {
  ctx = await acquireGpu({ optionalFeatures: ['subgroups'] }, nodeGpu());
});
afterAll(() => ctx?.destroy());

const tunerOn = (store: MemoryTuneStore) => new Autotuner(store, adapterKey(ctx.report), 'swiftshader', { repeats: 1, warmup: 0 });

function fakeClock(calls: string[]): RowClock {
  return async (run, c) => {
    run();
    calls.push(rowConfigName(c));
    return rowConfigName(c) === 'subgroups/64' ? 1 : 5;
  };
}

/** be.softmax on random rows against the CPU. */
async function softmaxMatches(be: WebGpuBackend, rows: number, cols: number): Promise<void> {
  const x = randomArray(seededRandom(9), rows * cols, -4, 4);
  const cpu = new CpuBackend('f32');
  const cx = cpu.alloc(x.length, 'f32', 'scratch', 'x');
  const cy = cpu.alloc(x.length, 'f32', 'scratch', 'y');
  cpu.write(cx, x);
  cpu.softmax(cx, cy, rows, cols);
  const gx = be.alloc(x.length, 'f32', 'scratch', 'x');
  const gy = be.alloc(x.length, 'f32', 'scratch', 'y');
  be.write(gx, x);
  be.softmax(gx, gy, rows, cols);
  const d = diff(cpu.readSync(cy), await be.read(gy), { abs: 2e-6, rel: 2e-5 });
  expect(d.ok, `max |Δ| ${d.maxAbs}`).toBe(true);
  be.free(gx);
  be.free(gy);
}

describe('softmax row-layout autotuning on SwiftShader', () => {
  it('validates every layout, fixes the fastest, runs it, and a new backend reuses it from the store', async () => {
    const store = new MemoryTuneStore();
    const be = new WebGpuBackend(ctx, { subgroups: true });
    be.rowTable.recording = true;
    await softmaxMatches(be, 50, 100); // the rule (serial rows on a software adapter), recorded
    expect(be.rowTable.pendingCount).toBe(1);
    const calls: string[] = [];
    const [d] = await be.rowTable.tunePending(be, tunerOn(store), fakeClock(calls));
    expect(d).toMatchObject({ shapeClass: 'softmax rows≤64 cols≤128', choice: 'subgroups/64', source: 'tuned', rejected: [] });
    expect(calls.sort()).toEqual([...rowCandidates(true).keys()].sort());
    await softmaxMatches(be, 50, 100);
    expect(be.builtPipelines().join(' ')).toMatch(/softmaxSubgroup\.softmax\(WG=64,\)/);
    be.dispose();

    const again = new WebGpuBackend(ctx, { subgroups: true });
    again.rowTable.recording = true;
    await softmaxMatches(again, 60, 70);
    const none: string[] = [];
    const [r] = await again.rowTable.tunePending(again, tunerOn(store), fakeClock(none));
    expect([r.choice, r.source, none]).toEqual(['subgroups/64', 'cache', []]);
    again.dispose();
  });

  it('tunes with the real wall clock without subgroups: only serial and tree layouts, all valid', async () => {
    const be = new WebGpuBackend(ctx);
    be.rowTable.recording = true;
    await softmaxMatches(be, 33, 300);
    const [d] = await be.rowTable.tunePending(be, tunerOn(new MemoryTuneStore()), wallClock(be));
    expect(Object.keys(d.ms).sort()).toEqual([...rowCandidates(false).keys()].sort());
    expect(d.rejected).toEqual([]);
    await softmaxMatches(be, 33, 300);
    expect(() =>
      be.softmaxWith({ layout: 'subgroups', wg: 64 }, be.alloc(4, 'f32', 'scratch', 'a'), be.alloc(4, 'f32', 'scratch', 'b'), 1, 4),
    ).toThrow(/needs a backend created with subgroups: true/);
    be.dispose();
  });
});
