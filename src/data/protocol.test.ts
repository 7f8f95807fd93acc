import { describe, expect, it } from 'vitest';
import { createListOpsTask, LISTOPS_PRESETS, type ListOpsConfig } from './listops/task';
import { handleDataRequest, type DataMessage, type TaskCache } from './protocol';

const config: ListOpsConfig = { ...LISTOPS_PRESETS.small, sizes: { train: 1000, validation: 250, test: 150 } };

describe('data worker protocol (pure handler)', () => {
  it('prepares evaluation splits with progress, then serves train batches equal to the task’s own', () => {
    const msgs: DataMessage[] = [];
    const cache: TaskCache = new Map();
    const post = (m: DataMessage) => msgs.push(m);
    handleDataRequest({ type: 'prepare', id: 1, task: 'listops', config, seed: 7 }, post, cache);
    const progress = msgs.filter((m) => m.type === 'progress');
    expect(progress.map((m) => m.type === 'progress' && `${m.split}:${m.done}/${m.total}`)).toEqual(['validation:100/250', 'validation:200/250', 'validation:250/250', 'test:100/150', 'test:150/150']);
    const pools = msgs.find((m) => m.type === 'pools');
    expect(msgs[msgs.length - 1]).toEqual({ type: 'done', id: 1 });
    if (pools?.type !== 'pools') throw new Error('no pools message');
    const direct = createListOpsTask(config, 7);
    const fromPools = createListOpsTask(config, 7, pools.pools);
    expect(fromPools.batch('validation', 3, 16).tokens).toEqual(direct.batch('validation', 3, 16).tokens);

    msgs.length = 0;
    handleDataRequest({ type: 'batches', id: 2, task: 'listops', config, seed: 7, split: 'train', from: 5, count: 2, batchSize: 4 }, post, cache);
    const batches = msgs.filter((m) => m.type === 'batch');
    expect(batches.length).toBe(2);
    for (const m of batches) if (m.type === 'batch') expect(m.batch.tokens).toEqual(direct.batch('train', m.index, 4).tokens);
  });

  it('answers an error naming the missing prepare step', () => {
    const msgs: DataMessage[] = [];
    handleDataRequest({ type: 'batches', id: 3, task: 'listops', config, seed: 1, split: 'train', from: 0, count: 1, batchSize: 2 }, (m) => msgs.push(m), new Map());
    expect(msgs).toHaveLength(1);
    expect(msgs[0].type === 'error' && msgs[0].message).toMatch(/has not prepared; send a 'prepare' request/);
  });
});
