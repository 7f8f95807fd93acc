import { describe, expect, it } from 'vitest';
import { defaultConfig } from './defaults';
import { checkValue } from './values';
import { paramSpec, type RunConfig } from './schema';
import { appliesTo } from './spec';
import { decodeHash, encodeHash } from './url';
import { validateConfig } from './validate';

const DATASET: Partial<RunConfig> = {
  task: 'custom',
  dataId: '0123456789abcdef',
  dataName: 'my reviews, v2',
  dataKind: 'text',
  dataTrain: 800,
  dataValidation: 100,
  dataTest: 100,
  numClasses: 5,
  twoTower: false,
  vocabSize: 257,
};

describe('the custom task: a user dataset named by the data* keys', () => {
  it('needs a dataset id; any number of classes; vocabulary ≥ 257; two towers exactly for pairs', () => {
    const bare = validateConfig(defaultConfig('custom', 'proxy'));
    expect(bare.ok).toBe(false);
    expect(bare.issues.map((i) => i.message).join(' ')).toMatch(/task custom needs a dataset: import one in the Your data panel/);
    const ok = validateConfig({ ...defaultConfig('custom', 'proxy'), ...DATASET });
    expect(ok.issues.filter((i) => i.severity === 'error')).toEqual([]);
    const small = validateConfig({ ...defaultConfig('custom', 'proxy'), ...DATASET, vocabSize: 100 });
    expect(small.issues.map((i) => i.message).join(' ')).toMatch(/vocabSize 100 is too small for task custom.*at least 257/);
    const pairs = validateConfig({ ...defaultConfig('custom', 'proxy'), ...DATASET, dataKind: 'pairs' });
    expect(pairs.issues.map((i) => i.message).join(' ')).toMatch(/twoTower false does not match dataKind pairs/);
  });

  it('dataset id and name are bounded, patterned strings', () => {
    expect(checkValue('dataId', paramSpec('dataId'), 'ABC', false).ok).toBe(false);
    expect(checkValue('dataId', paramSpec('dataId'), '0123456789abcdeg', false).ok).toBe(false);
    expect(checkValue('dataId', paramSpec('dataId'), 7, false).ok).toBe(false);
    const long = checkValue('dataName', paramSpec('dataName'), 'x'.repeat(81), false);
    expect(long.ok ? '' : long.issue.message).toMatch(
      /has 81 characters: allowed a name without control characters \(at most 80 characters\)/,
    );
    expect(checkValue('dataName', paramSpec('dataName'), 'a\nb', false).ok).toBe(false);
  });

  it('the URL says which dataset a link needs, and round-trips it (names with & = # and spaces too)', () => {
    const c = { ...defaultConfig('custom', 'nystrom'), ...DATASET, dataName: 'a&b=c #1 ü' } as RunConfig;
    const hash = encodeHash(c);
    expect(hash).toContain('did=0123456789abcdef');
    expect(hash).toContain('dtr=800');
    const back = decodeHash(hash);
    expect(back.issues).toEqual([]);
    expect(back.config).toEqual(c);
  });

  it('the data* keys apply only to the custom task (an LRA link stays as it was)', () => {
    for (const k of ['dataId', 'dataName', 'dataKind', 'dataTrain', 'dataValidation', 'dataTest'] as const) {
      expect(appliesTo(paramSpec(k), 'text', 'proxy'), k).toBe(false);
      expect(appliesTo(paramSpec(k), 'custom', 'proxy'), k).toBe(true);
    }
    expect(encodeHash(defaultConfig('text', 'proxy'))).not.toContain('did=');
  });
});
