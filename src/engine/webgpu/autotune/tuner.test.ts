/**
 * The autotuner with a fake timer (no GPU): it validates before it times, never picks a wrong
 * candidate and reports it, saves the winner per adapter, and answers a second ask from the
 * cache without running anything. Also the Node file store and the shape classes.
 */
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FileTuneStore } from './fileStore';
import { log2Bucket, matmulClass, matmulClassLabel } from './shapeClass';
import { MemoryTuneStore, TUNING_VERSION, type TuneStore, adapterKey } from './store';
import { Autotuner, NoValidCandidateError, type TuneHooks } from './tuner';

const SWIFTSHADER = { vendor: 'google', architecture: 'swiftshader', device: 'subzero', description: 'SwiftShader driver 5.0.0' };
const OTHER = { vendor: 'nvidia', architecture: 'ampere', device: 'A100', description: 'driver 550' };
const FIXED = () => new Date('2026-12-02T10:00:00Z');

/** A fake timer: each candidate's runs take the listed ms in turn; `wrong` fail validation. */
function fakeHooks(times: Record<string, number[]>, wrong: string[] = []) {
  const calls = { validate: [] as string[], time: [] as string[] };
  const next: Record<string, number> = {};
  const hooks: TuneHooks<string> = {
    validate: async (c) => {
      calls.validate.push(c);
      return wrong.includes(c) ? { ok: false, maxAbsError: 0.5 } : { ok: true, maxAbsError: 1e-7 };
    },
    time: async (c) => {
      calls.time.push(c);
      const i = next[c] ?? 0;
      next[c] = i + 1;
      return times[c][i % times[c].length];
    },
  };
  return { hooks, calls };
}

const CANDIDATES = new Map([
  ['naive', 'naive'],
  ['reg4/4', 'reg4/4'],
  ['tiled', 'tiled'],
]);

function tuner(store: TuneStore = new MemoryTuneStore(), adapter = SWIFTSHADER) {
  return new Autotuner(store, adapterKey(adapter), adapter.architecture, { repeats: 3, warmup: 1, now: FIXED });
}

describe('autotuner (fake timer)', () => {
  it('validates every candidate, times the valid ones and keeps the fastest by median', async () => {
    const store = new MemoryTuneStore();
    // warm-up, then three timed runs: medians naive 9, reg4/4 2, tiled 3 (reg4/4 has one slow outlier).
    const { hooks, calls } = fakeHooks({ naive: [50, 9, 9, 9], 'reg4/4': [50, 2, 20, 2], tiled: [50, 3, 3, 3] });
    const r = await tuner(store).tune('matmul m≤64', '64×64·64×64', CANDIDATES, hooks);
    expect(r).toMatchObject({ choice: 'reg4/4', config: 'reg4/4', source: 'tuned', rejected: [], tunedAt: '2026-12-02T10:00:00.000Z' });
    expect(r.ms).toEqual({ naive: 9, 'reg4/4': 2, tiled: 3 });
    expect(calls.validate).toEqual(['naive', 'reg4/4', 'tiled']);
    expect(calls.time.length).toBe(3 * 4);
    expect(store.saves).toBe(1);
    const saved = await store.load();
    expect(saved?.version).toBe(TUNING_VERSION);
    expect(saved?.adapters[adapterKey(SWIFTSHADER)].choices['matmul m≤64'].choice).toBe('reg4/4');
  });

  it('never times or picks a candidate that fails validation, and reports it', async () => {
    // tiled would be by far the fastest, but it computes the wrong product.
    const { hooks, calls } = fakeHooks({ naive: [5], 'reg4/4': [4], tiled: [0.1] }, ['tiled']);
    const r = await tuner().tune('k', 's', CANDIDATES, hooks);
    expect(r.choice).toBe('reg4/4');
    expect(r.rejected).toEqual([{ candidate: 'tiled', maxAbsError: 0.5 }]);
    expect(r.ms.tiled).toBeNull();
    expect(calls.time).not.toContain('tiled');
  });

  it('throws, naming each error, when no candidate is valid', async () => {
    const { hooks } = fakeHooks({ naive: [1], 'reg4/4': [1], tiled: [1] }, ['naive', 'reg4/4', 'tiled']);
    await expect(tuner().tune('k', 's', CANDIDATES, hooks)).rejects.toThrow(NoValidCandidateError);
    await expect(tuner().tune('k', 's', CANDIDATES, hooks)).rejects.toThrow(/naive: max \|Δ\| 0.5; reg4\/4/);
  });

  it('reuses a cached choice on the same adapter without running anything, and tunes again on another', async () => {
    const store = new MemoryTuneStore();
    await tuner(store).tune('k', 's', CANDIDATES, fakeHooks({ naive: [3], 'reg4/4': [1], tiled: [2] }).hooks);
    // A new tuner (a new session) over the same store: a timer that would now pick tiled is never asked.
    const again = fakeHooks({ naive: [3], 'reg4/4': [9], tiled: [1] });
    const r = await tuner(store).tune('k', 's', CANDIDATES, again.hooks);
    expect(r).toMatchObject({ choice: 'reg4/4', source: 'cache' });
    expect(again.calls.validate).toEqual([]);
    expect(again.calls.time).toEqual([]);
    expect(store.saves).toBe(1);
    const other = await tuner(store, OTHER).tune('k', 's', CANDIDATES, again.hooks);
    expect(other).toMatchObject({ choice: 'tiled', source: 'tuned' });
    const doc = await store.load();
    expect(Object.keys(doc!.adapters).sort()).toEqual([adapterKey(OTHER), adapterKey(SWIFTSHADER)].sort());
  });

  it('tunes again after clear, and when the cached winner is no longer a candidate', async () => {
    const store = new MemoryTuneStore();
    const t = tuner(store);
    await t.tune('k', 's', CANDIDATES, fakeHooks({ naive: [3], 'reg4/4': [1], tiled: [2] }).hooks);
    const fewer = new Map([...CANDIDATES].filter(([n]) => n !== 'reg4/4'));
    const r = await tuner(store).tune('k', 's', fewer, fakeHooks({ naive: [3], tiled: [2] }).hooks);
    expect(r).toMatchObject({ choice: 'tiled', source: 'tuned' });
    await t.clear();
    expect(await store.load()).toBeNull();
    const after = await t.tune('k', 's', CANDIDATES, fakeHooks({ naive: [1], 'reg4/4': [2], tiled: [3] }).hooks);
    expect(after).toMatchObject({ choice: 'naive', source: 'tuned' });
  });

  it('ignores a document of another tuning version', async () => {
    const store = new MemoryTuneStore();
    await store.save({
      version: TUNING_VERSION - 1,
      adapters: {
        [adapterKey(SWIFTSHADER)]: { adapter: 'x', choices: { k: { choice: 'naive', ms: {}, rejected: [], shape: 's', tunedAt: '' } } },
      },
    });
    const r = await tuner(store).tune('k', 's', CANDIDATES, fakeHooks({ naive: [3], 'reg4/4': [1], tiled: [2] }).hooks);
    expect(r).toMatchObject({ choice: 'reg4/4', source: 'tuned' });
  });

  it('keeps the peak figures beside the choices', async () => {
    const store = new MemoryTuneStore();
    const peak = { gflops: 12.5, gbps: 3.25, method: 'fake', measuredAt: 'now' };
    await tuner(store).savePeak(peak);
    expect(await tuner(store).peak()).toEqual(peak);
    expect(await tuner(store, OTHER).peak()).toBeUndefined();
  });
});

describe('file tuning store (Node)', () => {
  it('round-trips, survives a damaged file by tuning again, and clears', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tuning-'));
    const store = new FileTuneStore(join(dir, 'sub', 'tuning.json'));
    expect(await store.load()).toBeNull();
    await tuner(store).tune('k', 's', CANDIDATES, fakeHooks({ naive: [3], 'reg4/4': [1], tiled: [2] }).hooks);
    const text = await readFile(store.where, 'utf8');
    expect(JSON.parse(text).adapters[adapterKey(SWIFTSHADER)].choices.k.choice).toBe('reg4/4');
    expect((await tuner(store).tune('k', 's', CANDIDATES, fakeHooks({ naive: [1], 'reg4/4': [1], tiled: [1] }).hooks)).source).toBe(
      'cache',
    );
    await writeFile(store.where, '{ not json');
    expect(await store.load()).toBeNull();
    await store.clear();
    await store.clear();
    expect(await store.load()).toBeNull();
  });
});

describe('matmul shape classes', () => {
  it('rounds each size up to a power of two and keeps the transposes', () => {
    expect([1, 2, 3, 4, 5, 64, 65].map(log2Bucket)).toEqual([0, 1, 2, 2, 3, 6, 7]);
    const p = { batch: 8, m: 500, n: 128, k: 32, transA: false, transB: true };
    expect(matmulClass(p)).toBe(matmulClass({ ...p, m: 257, batch: 5 }));
    expect(matmulClass(p)).not.toBe(matmulClass({ ...p, m: 513 }));
    expect(matmulClass(p)).not.toBe(matmulClass({ ...p, transB: false }));
    expect(matmulClassLabel(matmulClass(p))).toBe('matmul b≤8 m≤512 n≤128 k≤32 Bᵀ');
    expect(matmulClassLabel(matmulClass({ batch: 1, m: 1, n: 131072, k: 3, transA: true, transB: false }))).toBe(
      'matmul b≤1 m≤1 n≤131072 k≤4 Aᵀ',
    );
    expect(() => log2Bucket(0)).toThrow(/not a positive size/);
  });
});
