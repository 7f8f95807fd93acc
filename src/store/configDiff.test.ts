import { describe, expect, it } from 'vitest';
import { defaultConfig } from '../config';
import { configDiff } from './configDiff';

describe('config differences between runs', () => {
  it('lists only the keys that differ, by label, one value per run', () => {
    const a = defaultConfig('listops', 'proxy');
    const b = { ...a, lr: a.lr * 2, initSeed: a.initSeed + 1 };
    const c = { ...a, lr: a.lr * 2 };
    expect(configDiff([a, b, c])).toEqual([
      { key: 'lr', label: 'Learning rate', values: [String(a.lr), String(a.lr * 2), String(a.lr * 2)] },
      { key: 'initSeed', label: 'Init seed', values: [String(a.initSeed), String(a.initSeed + 1), String(a.initSeed)] },
    ]);
  });

  it('marks keys that do not apply to a variant as n/a instead of comparing hidden defaults', () => {
    const proxy = defaultConfig('listops', 'proxy');
    const softmax = { ...defaultConfig('listops', 'softmax'), injection: proxy.injection === 'attend' ? 'none' : 'attend' } as const;
    const rows = configDiff([softmax, proxy]);
    const attention = rows.find((r) => r.key === 'attention');
    expect(attention?.values).toEqual(['softmax', 'proxy']);
    // softmax's injection value is set but means nothing there: shown as n/a, not as a difference in values.
    expect(rows.find((r) => r.key === 'injection')?.values).toEqual(['n/a', proxy.injection]);
    expect(rows.every((r) => new Set(r.values).size > 1)).toBe(true);
  });

  it('has nothing to show for one run or identical runs', () => {
    const a = defaultConfig('image', 'nystrom');
    expect(configDiff([a])).toEqual([]);
    expect(configDiff([a, { ...a }])).toEqual([]);
  });
});
