import { describe, expect, it } from 'vitest';
import { fsFetcher } from '../../scripts/corpora/fs-fetch';
import { PRESETS } from '../presets';
import { taskFor } from './taskFromConfig';

describe('test splits', () => {
  // A comparison judged on a few dozen test examples says nothing (a 64-example split moves by
  // 1.6 points per example): every quick preset is judged on at least 1000, or on the whole test
  // split where the corpus has fewer: the SpamAssassin stand-in has 473 test mails once the
  // first 256 bytes are deduplicated (5817 mails, a tenth of the threads in test).
  const WHOLE_SPLIT: Record<string, number> = { 'quick-text-proxy': 473 };
  it.each(Object.keys(PRESETS).filter((n) => n.startsWith('quick-')))('%s evaluates on at least 1000 test examples', async (name) => {
    const task = await taskFor(PRESETS[name].config, fsFetcher('public/data'));
    if (name in WHOLE_SPLIT) expect(task.splitSizes.test).toBe(WHOLE_SPLIT[name]);
    else expect(task.splitSizes.test).toBeGreaterThanOrEqual(1000);
  });
  it('testSize 0 keeps the test split as large as one validation', async () => {
    const config = { ...PRESETS['quick-listops-proxy'].config, testSize: 0 };
    const task = await taskFor(config);
    expect(task.splitSizes.test).toBe(config.evalSteps * config.batchSize);
  });
});
