import { mkdtemp, rm, readdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { RunSummary } from '../protocol';
import { FileCheckpointStore } from './files';
import { MemoryCheckpointStore } from './memory';
import type { CheckpointStore } from './types';
import { defaultConfig } from '../../config';

const dirs: string[] = [];
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

function summary(runId: string, step: number, updatedAt: number): RunSummary {
  return {
    runId,
    name: runId,
    config: defaultConfig('listops', 'proxy'),
    step,
    updatedAt,
    bestValAccuracy: null,
    testAccuracy: null,
    state: 'paused',
  };
}

const stores: [string, () => Promise<CheckpointStore>][] = [
  ['memory', async () => new MemoryCheckpointStore()],
  [
    'files',
    async () => {
      const d = await mkdtemp(join(tmpdir(), 'ckpt-'));
      dirs.push(d);
      return new FileCheckpointStore(join(d, 'runs'));
    },
  ],
];

describe.each(stores)('%s checkpoint store', (_name, make) => {
  it('saves, lists newest first, loads bytes back exactly, and removes', async () => {
    const store = await make();
    expect(await store.list()).toEqual([]);
    const a = new Uint8Array([1, 2, 3, 250]);
    await store.save('run-a', 'latest', a, summary('run-a', 10, 1000));
    await store.save('run-b', 'latest', new Uint8Array([9]), summary('run-b', 5, 2000));
    await store.save('run-a', 'best', new Uint8Array([7, 7]), summary('run-a', 10, 3000));
    a[0] = 99; // the store keeps its own copy
    expect((await store.list()).map((r) => r.runId)).toEqual(['run-a', 'run-b']);
    expect([...(await store.load('run-a', 'latest'))!]).toEqual([1, 2, 3, 250]);
    expect([...(await store.load('run-a', 'best'))!]).toEqual([7, 7]);
    expect(await store.load('run-b', 'best')).toBeNull();
    expect(await store.load('nope', 'latest')).toBeNull();
    await store.remove('run-a');
    expect((await store.list()).map((r) => r.runId)).toEqual(['run-b']);
    expect(await store.load('run-a', 'latest')).toBeNull();
  });

  it('keeps a run name and notes across later checkpoint saves, and refuses bad ones with a reason', async () => {
    const store = await make();
    await expect(store.annotate('run-a', { label: 'x', notes: '' })).rejects.toThrow(/run run-a is not saved/);
    await store.save('run-a', 'latest', new Uint8Array([1]), summary('run-a', 10, 1000));
    await store.annotate('run-a', { label: '  proxy, lr 1e-3 ', notes: 'collapsed after step 400' });
    // The session saves summaries without label or notes: the store keeps them.
    await store.save('run-a', 'best', new Uint8Array([2]), summary('run-a', 20, 2000));
    const [a] = await store.list();
    expect(a).toMatchObject({ step: 20, label: 'proxy, lr 1e-3', notes: 'collapsed after step 400' });
    await expect(store.annotate('run-a', { label: '   ', notes: '' })).rejects.toThrow(/cannot be empty: give 1–80 characters/);
    await expect(store.annotate('run-a', { label: 'y'.repeat(81), notes: '' })).rejects.toThrow(/at most 80 characters, this one has 81/);
    expect((await store.list())[0].label).toBe('proxy, lr 1e-3'); // a refused rename changes nothing
    await store.annotate('run-a', { label: 'renamed', notes: '' });
    expect((await store.list())[0]).toMatchObject({ label: 'renamed', notes: '' });
  });

  it('refuses run ids that could escape the store, naming what is allowed', async () => {
    const store = await make();
    for (const bad of ['../x', '.hidden', 'a/b', '', 'x'.repeat(81)]) {
      await expect(store.save(bad, 'latest', new Uint8Array(1), summary('x', 0, 0))).rejects.toThrow(/is not allowed: use 1–80 letters/);
    }
  });
});

it('file store writes atomically (no temporary files left behind)', async () => {
  const d = await mkdtemp(join(tmpdir(), 'ckpt-'));
  dirs.push(d);
  const store = new FileCheckpointStore(d);
  await store.save('r1', 'latest', new Uint8Array(1000), summary('r1', 1, 1));
  expect((await readdir(join(d, 'r1'))).sort()).toEqual(['latest.safetensors', 'run.json']);
});
