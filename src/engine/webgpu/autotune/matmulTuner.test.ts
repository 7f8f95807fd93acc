/**
 * The matrix-product tuner on SwiftShader: it records the classes a step meets, validates every
 * candidate against the CPU reference on the real kernels, picks by the timer (a fake one, so
 * the pick is known; then the real wall clock), fixes the choice in the backend, and a second
 * backend over the same store reuses it without running anything.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MatmulParams } from '../../backend';
import { WebGpuBackend } from '../backend';
import { acquireGpu, type GpuContext } from '../device';
import { nodeGpu } from '../node';
import { diff, randomArray, seededRandom } from '../testing/twin';
import { matmulTolerance, referenceRows } from './matmulCheck';
import { MatmulTable } from './matmulTable';
import { type MatmulClock, configName, matmulCandidates } from './matmulTuner';
import { MemoryTuneStore, adapterKey } from './store';
import { Autotuner } from './tuner';

let ctx: GpuContext;
beforeAll(async () => {
  ctx = await acquireGpu({ optionalFeatures: ['timestamp-query'] }, nodeGpu());
});
afterAll(() => ctx?.destroy());

function mm(batch: number, m: number, n: number, k: number, transB = false): MatmulParams {
  return { batch, m, n, k, transA: false, transB, strideA: m * k, strideB: k * n, alpha: 1, accumulate: false };
}

/** Runs the candidate (so it really executes) but reports a fixed time: tiled fastest, then reg4/8. */
function fakeClock(calls: string[]): MatmulClock {
  const ms: Record<string, number> = { naive: 9, 'reg4/4': 5, 'reg4/8': 2, 'reg4/16': 4, tiled: 1 };
  return async (run, c) => {
    run();
    calls.push(configName(c));
    return ms[configName(c)];
  };
}

const tunerOn = (store: MemoryTuneStore) => new Autotuner(store, adapterKey(ctx.report), 'swiftshader', { repeats: 2, warmup: 1 });

/** Run `be.matmul` on `p` with random inputs; compare with the CPU reference. */
async function checkProduct(be: WebGpuBackend, p: MatmulParams): Promise<void> {
  const rand = seededRandom(5);
  const aData = randomArray(rand, p.batch * p.m * p.k);
  const bData = randomArray(rand, p.batch * p.k * p.n);
  const a = be.alloc(aData.length, 'f32', 'scratch', 'a');
  const b = be.alloc(bData.length, 'f32', 'scratch', 'b');
  const out = be.alloc(p.batch * p.m * p.n, 'f32', 'scratch', 'out');
  be.write(a, aData);
  be.write(b, bData);
  be.matmul(a, b, out, p);
  const d = diff(referenceRows(p, aData, bData, p.m), await be.read(out), matmulTolerance(p.k));
  expect(d.ok, `max |Δ| ${d.maxAbs}`).toBe(true);
  for (const x of [a, b, out]) be.free(x);
}

describe('matmul autotuning on SwiftShader', () => {
  it('records new classes, validates and times every candidate, fixes the fastest, and a new session reuses it', async () => {
    const store = new MemoryTuneStore();
    const be = new WebGpuBackend(ctx, { timing: true });
    const p = mm(3, 70, 40, 24, true);
    expect(be.matmulKernelFor(p)).toBe('reg4'); // the rule on a software adapter
    be.matmulTable.recording = true;
    await checkProduct(be, p);
    await checkProduct(be, mm(4, 65, 40, 24, true)); // same class: not recorded twice
    expect(be.matmulTable.pendingCount).toBe(1);
    const calls: string[] = [];
    const made = await be.matmulTable.tunePending(be, tunerOn(store), fakeClock(calls));
    expect(made).toEqual([
      {
        shapeClass: 'matmul b≤4 m≤128 n≤64 k≤32 Bᵀ',
        choice: 'tiled',
        source: 'tuned',
        ms: { naive: 9, 'reg4/4': 5, 'reg4/8': 2, 'reg4/16': 4, tiled: 1 },
        rejected: [],
      },
    ]);
    // Every candidate passed the CPU check on the real kernels, then ran warm-up + 2 timed runs.
    expect(calls.length).toBe(matmulCandidates().size * 3);
    expect(be.matmulTable.pendingCount).toBe(0);
    expect(be.matmulKernelFor(p)).toBe('tiled');
    be.timer.reset();
    await checkProduct(be, p);
    const t = await be.timing();
    expect(t.available && t.kernels.map((k) => k.name)).toContain('matmul tiled');
    be.dispose();

    // A new backend (a new session) over the same store: answered from the cache, nothing timed.
    const again = new WebGpuBackend(ctx);
    again.matmulTable.recording = true;
    await checkProduct(again, p);
    const none: string[] = [];
    const reused = await again.matmulTable.tunePending(again, tunerOn(store), fakeClock(none));
    expect(reused.map((d) => [d.choice, d.source])).toEqual([['tiled', 'cache']]);
    expect(none).toEqual([]);
    expect(store.saves).toBe(1);
    expect(again.matmulKernelFor(p)).toBe('tiled');
    again.dispose();
  });

  it('tunes with the real wall clock: every candidate valid and timed, the pick is one of them, results stay right', async () => {
    const be = new WebGpuBackend(ctx);
    const p = mm(2, 64, 64, 64);
    be.matmulTable.recording = true;
    await checkProduct(be, p);
    const [d] = await be.matmulTable.tunePending(be, tunerOn(new MemoryTuneStore()));
    expect(d.rejected).toEqual([]);
    expect(Object.keys(d.ms).sort()).toEqual([...matmulCandidates().keys()].sort());
    for (const ms of Object.values(d.ms)) expect(ms).toBeGreaterThan(0);
    expect(d.ms[d.choice]).toBe(Math.min(...Object.values(d.ms).map(Number)));
    await checkProduct(be, p);
    be.dispose();
  });

  it('the fused Linear follows its tuned class: the clock picks reg4/4, the Linear runs reg4 with side 4 and equals the CPU', async () => {
    const be = new WebGpuBackend(ctx, { timing: true });
    const [rows, k, n] = [70, 24, 36];
    const rand = seededRandom(9);
    const [xData, wData, bData] = [randomArray(rand, rows * k), randomArray(rand, n * k), randomArray(rand, n)];
    const [x, w, b, out] = [xData, wData, bData, new Float32Array(rows * n)].map((a, i) => {
      const buf = be.alloc(a.length, 'f32', 'scratch', `linear ${i}`);
      be.write(buf, a);
      return buf;
    });
    // x·Wᵀ + b on the CPU, summed in the kernels' order.
    const expected = new Float32Array(rows * n);
    for (let r = 0; r < rows; r++)
      for (let c = 0; c < n; c++) {
        let acc = 0;
        for (let i = 0; i < k; i++) acc = Math.fround(acc + Math.fround(xData[r * k + i] * wData[c * k + i]));
        expected[r * n + c] = Math.fround(acc + bData[c]);
      }
    be.matmulTable.recording = true;
    be.linear(x, w, b, out, rows, k, n, 1, 1); // the rule runs (reg4/8 on SwiftShader); the class waits
    expect(be.matmulTable.pendingCount).toBe(1);
    const ms: Record<string, number> = { naive: 9, 'reg4/4': 1, 'reg4/8': 2, 'reg4/16': 4, tiled: 3 };
    const [d] = await be.matmulTable.tunePending(be, tunerOn(new MemoryTuneStore()), async (run, c) => {
      run();
      return ms[configName(c)];
    });
    expect([d.shapeClass, d.choice]).toEqual(['matmul b≤1 m≤128 n≤64 k≤32 Bᵀ', 'reg4/4']);
    expect(be.linearChoice.pick(rows, k, n).name).toBe('linear reg4/4');
    be.fill(out, 0);
    be.timer.reset();
    be.linear(x, w, b, out, rows, k, n, 1, 1);
    const t = await be.timing(); // the kernels table names the Linear's version
    expect(t.available && t.kernels.map((kt) => kt.name)).toContain('linear reg4/4');
    const got = diff(expected, await be.read(out), matmulTolerance(k));
    expect(got.ok, `max |Δ| ${got.maxAbs}`).toBe(true);
    expect(be.builtPipelines().join(' ')).toMatch(/linear_reg4\(RW=8,\).*linear_reg4\(RW=4,\)/);
    for (const buf of [x, w, b, out]) be.free(buf);
    be.dispose();
  });

  it('keeps the rule where nothing was tuned, and a forced kernel ignores the table', async () => {
    const table = new MatmulTable();
    expect(table.lookup(mm(1, 8, 8, 8))).toBeUndefined();
    expect(table.pendingCount).toBe(0); // not recording: nothing remembered
    const be = new WebGpuBackend(ctx, { matmulKernel: 'naive' });
    be.matmulTable.set(mm(1, 64, 64, 64), { kernel: 'tiled', rw: 0 });
    expect(be.matmulKernelFor(mm(1, 64, 64, 64))).toBe('naive');
    be.dispose();
  });
});
