import { describe, expect, it } from 'vitest';
import { defaultConfig, diffConfig, encodeHash, decodeHash, largestBuffer, validateConfig } from '../config';
import { ABLATIONS, ablationStudy, DEFAULT_PRESET, getPreset, PRESET_LIST, PRESETS, presetIssues } from './index';

describe('presets', () => {
  it('every preset is valid: no error and no notice', () => {
    expect(PRESET_LIST.length).toBe(21); // 5 tasks × 3 variants + 2 quick tasks × 3 variants
    for (const p of PRESET_LIST) expect(presetIssues(p), p.name).toEqual([]);
  });

  it('has a paper preset for every task and variant, equal to the paper defaults', () => {
    for (const task of ['listops', 'text', 'retrieval', 'image', 'pathfinder'] as const) {
      for (const attention of ['softmax', 'nystrom', 'proxy'] as const) {
        expect(PRESETS[`${task}-${attention}-paper`].config).toEqual(defaultConfig(task, attention));
      }
    }
  });

  it('names match the registry and overrides are what differs from the defaults', () => {
    for (const p of PRESET_LIST) {
      expect(getPreset(p.name)).toBe(p);
      const changed = diffConfig(defaultConfig(p.config.task, p.config.attention), p.config).changed;
      expect(changed.sort(), p.name).toEqual(Object.keys(p.overrides).filter((k) => changed.includes(k as never)).sort());
    }
    expect(getPreset('toString')).toBeUndefined();
    expect(PRESETS['quick-listops-softmax'].config.attentionDropout).toBe(0);
    expect('attentionDropout' in PRESETS['quick-listops-proxy'].overrides).toBe(false); // softmax-only key
    expect(getPreset(DEFAULT_PRESET)?.config.attention).toBe('proxy');
  });

  it('quick presets are tiny: one or two layers of d 32, n ≤ 256, m ≤ 32, batch ≤ 16, a few hundred steps, lr 1e-3', () => {
    const quick = PRESET_LIST.filter((p) => p.name.startsWith('quick-'));
    expect(quick.map((p) => p.name)).toEqual([
      'quick-listops-proxy', 'quick-listops-nystrom', 'quick-listops-softmax', 'quick-image-proxy', 'quick-image-nystrom', 'quick-image-softmax',
    ]);
    for (const { config: c, name } of quick) {
      expect(c.layers, name).toBeLessThanOrEqual(2);
      expect(c.dModel).toBe(32);
      expect(c.seqLen).toBeLessThanOrEqual(256);
      if (c.attention !== 'softmax') expect(c.landmarks).toBeLessThanOrEqual(32);
      expect(c.batchSize).toBeLessThanOrEqual(16);
      expect(c.steps).toBeLessThanOrEqual(500);
      expect(c.lr).toBe(1e-3);
      // Far below any adapter's binding limit (WebGPU's guaranteed minimum is 128 MiB).
      expect(largestBuffer(c).bytes).toBeLessThan(8 * 1024 * 1024);
    }
  });

  it('survives the URL: a preset link restores the same config', () => {
    for (const p of PRESET_LIST) expect(decodeHash(encodeHash(p.config)).config, p.name).toEqual(p.config);
  });
});

describe('ablation study', () => {
  it('derives the paper’s six runs from one base, same task, sizes and seeds', () => {
    const base = { ...PRESETS['quick-listops-proxy'].config, dataSeed: 7, initSeed: 9 };
    const runs = ablationStudy(base);
    expect(runs.map((r) => r.ablation.name)).toEqual(['full', 'no-injection', 'no-contrastive', 'no-decomposed-dropout', 'nystrom', 'softmax']);
    for (const r of runs) {
      expect(r.ok, r.ablation.name).toBe(true);
      expect([r.config.task, r.config.seqLen, r.config.dModel, r.config.layers, r.config.dataSeed, r.config.initSeed]).toEqual([base.task, base.seqLen, base.dModel, base.layers, 7, 9]);
    }
    const by = Object.fromEntries(runs.map((r) => [r.ablation.name, r.config]));
    expect(by.full).toEqual(base);
    expect(diffConfig(base, by['no-injection']).changed).toEqual(['injection']);
    expect(diffConfig(base, by['no-contrastive']).changed).toEqual(['contrastiveWeight']);
    expect(by['no-contrastive'].contrastiveWeight).toBe(0);
    expect(diffConfig(base, by['no-decomposed-dropout']).changed).toEqual(['decomposedDropout']);
    expect(diffConfig(base, by.nystrom).changed.sort()).toEqual(['attention', 'pinvInit']);
    expect(by.nystrom.pinvInit).toBe('global');
    expect(diffConfig(base, by.softmax).changed).toEqual(['attention']);
    expect(ABLATIONS).toHaveLength(6);
  });

  it('reports an ablation that the base cannot support, instead of dropping it', () => {
    const base = { ...defaultConfig('listops', 'proxy'), seqLen: 1000, listopsMaxLen: 1000 };
    expect(validateConfig(base).ok).toBe(true); // proxies do not need n to be a multiple of m
    const nystrom = ablationStudy(base).find((r) => r.ablation.name === 'nystrom');
    expect(nystrom?.ok).toBe(false);
    expect(nystrom?.issues[0].message).toMatch(/seqLen 1000 is not a multiple of landmarks 128/);
  });
});
