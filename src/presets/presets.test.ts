import { describe, expect, it } from 'vitest';
import { ATTENTIONS, defaultConfig, diffConfig, encodeHash, decodeHash, largestBuffer, paramSpec, validateConfig } from '../config';
import {
  ABLATIONS,
  ablationStudy,
  DEFAULT_PRESET,
  getPreset,
  getStudy,
  PRESET_LIST,
  PRESETS,
  presetIssues,
  STUDIES,
  VARIANT_NAMES,
} from './index';
import { fittingBlock } from './comparison';

describe('presets', () => {
  it('every preset is valid: no error and no notice', () => {
    expect(PRESET_LIST.length).toBe(57); // 5 tasks × 8 variants + 2 quick tasks × 8 variants + quick Text (Proxyformer)
    for (const p of PRESET_LIST) expect(presetIssues(p), p.name).toEqual([]);
  });

  it('has a paper preset for every task and variant, equal to the paper defaults', () => {
    // Every value of the schema's attention key, so a new variant gets its paper presets or fails here.
    expect([...ATTENTIONS]).toEqual([...(paramSpec('attention') as { values: readonly string[] }).values]);
    for (const task of ['listops', 'text', 'retrieval', 'image', 'pathfinder'] as const) {
      for (const attention of ATTENTIONS) {
        expect(PRESETS[`${task}-${attention}-paper`].config).toEqual(defaultConfig(task, attention));
      }
    }
  });

  it('paper presets of the baselines have the paper sizes: d 64, ffn 128, 2 heads, 2 layers, k and features 128', () => {
    for (const task of ['listops', 'text', 'retrieval', 'image', 'pathfinder'] as const) {
      const lin = PRESETS[`${task}-linformer-paper`].config;
      const perf = PRESETS[`${task}-performer-paper`].config;
      const linear = PRESETS[`${task}-linear-paper`].config;
      for (const c of [lin, perf, linear]) expect([c.dModel, c.ffn, c.heads, c.layers], `${task} ${c.attention}`).toEqual([64, 128, 2, 2]);
      expect(lin.linformerK).toBe(128);
      expect(perf.performerFeatures).toBe(128);
      // Same LRA schedule as the Proxyformer preset of the task.
      const proxy = PRESETS[`${task}-proxy-paper`].config;
      for (const c of [lin, perf, linear])
        expect([c.lr, c.batchSize, c.steps, c.warmupSteps, c.seqLen]).toEqual([
          proxy.lr,
          proxy.batchSize,
          proxy.steps,
          proxy.warmupSteps,
          proxy.seqLen,
        ]);
    }
    expect(PRESETS['listops-performer-paper'].title).toBe('ListOps, Performer, paper sizes');
    expect(Object.keys(VARIANT_NAMES).sort()).toEqual([...ATTENTIONS].sort());
  });

  it('names match the registry and overrides are what differs from the defaults', () => {
    for (const p of PRESET_LIST) {
      expect(getPreset(p.name)).toBe(p);
      const changed = diffConfig(defaultConfig(p.config.task, p.config.attention), p.config).changed;
      expect(changed.sort(), p.name).toEqual(
        Object.keys(p.overrides)
          .filter((k) => changed.includes(k as never))
          .sort(),
      );
    }
    expect(getPreset('toString')).toBeUndefined();
    expect(PRESETS['quick-listops-softmax'].config.attentionDropout).toBe(0);
    expect('attentionDropout' in PRESETS['quick-listops-proxy'].overrides).toBe(false); // softmax-only key
    expect(getPreset(DEFAULT_PRESET)?.config.attention).toBe('proxy');
  });

  it('quick presets are tiny: one or two layers of d 32, n ≤ 256, m, k and features ≤ 32, batch ≤ 16, a few hundred steps, lr 1e-3', () => {
    const quick = PRESET_LIST.filter((p) => p.name.startsWith('quick-'));
    const variants = ['proxy', 'nystrom', 'softmax', 'linformer', 'performer', 'linear', 'bigbird', 'reformer'];
    expect(quick.map((p) => p.name)).toEqual([
      ...variants.map((v) => `quick-listops-${v}`),
      'quick-text-proxy',
      ...variants.map((v) => `quick-image-${v}`),
    ]);
    for (const { config: c, name } of quick) {
      expect(c.layers, name).toBeLessThanOrEqual(2);
      expect(c.dModel).toBe(32);
      expect(c.seqLen).toBeLessThanOrEqual(256);
      if (c.attention === 'nystrom' || c.attention === 'proxy') expect(c.landmarks).toBeLessThanOrEqual(32);
      if (c.attention === 'linformer') expect(c.linformerK, name).toBeLessThanOrEqual(32);
      if (c.attention === 'performer') expect(c.performerFeatures, name).toBeLessThanOrEqual(32);
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
    expect(runs.map((r) => r.ablation.name)).toEqual([
      'full',
      'no-injection',
      'no-contrastive',
      'no-decomposed-dropout',
      'nystrom',
      'softmax',
    ]);
    for (const r of runs) {
      expect(r.ok, r.ablation.name).toBe(true);
      expect([r.config.task, r.config.seqLen, r.config.dModel, r.config.layers, r.config.dataSeed, r.config.initSeed]).toEqual([
        base.task,
        base.seqLen,
        base.dModel,
        base.layers,
        7,
        9,
      ]);
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

describe('the paper’s comparison', () => {
  it('runs softmax, Reformer, BigBird, Linformer, Performer, Nyströmformer and Proxyformer with one budget, same task, sizes and seeds', () => {
    const base = { ...PRESETS['quick-listops-proxy'].config, dataSeed: 7, initSeed: 9 };
    const runs = STUDIES.paper.runs(base);
    expect(runs.map((r) => r.ablation.label)).toEqual([
      'softmax',
      'Reformer',
      'BigBird',
      'Linformer',
      'Performer',
      'Nyströmformer',
      'Proxyformer',
    ]);
    for (const r of runs) {
      expect(r.issues, r.ablation.name).toEqual([]);
      expect([
        r.config.task,
        r.config.seqLen,
        r.config.dModel,
        r.config.layers,
        r.config.steps,
        r.config.dataSeed,
        r.config.initSeed,
      ]).toEqual([base.task, base.seqLen, base.dModel, base.layers, base.steps, 7, 9]);
      // The budget: the base's 16 proxies, for every projection-based model.
      expect([r.config.landmarks, r.config.linformerK, r.config.performerFeatures]).toEqual([16, 16, 16]);
    }
    const by = Object.fromEntries(runs.map((r) => [r.ablation.name, r.config]));
    expect(by.proxy).toEqual({ ...base, linformerK: 16, performerFeatures: 16, bigbirdBlock: 4, reformerChunk: 4 });
    expect(by.bigbird.bigbirdBlock).toBe(4); // n 64: at least 16 blocks, so the pattern is sparse
    expect([by.reformer.reformerChunk, by.reformer.reformerHashes]).toEqual([4, 2]); // 16 chunks per round, the paper's 2 rounds
    expect(diffConfig(by.proxy, by.linformer).changed.sort()).toEqual(['attention']);
    expect(by.nystrom.pinvInit).toBe('global');
  });

  it('takes the budget from a Linformer or Performer base, and names what it cannot run yet', () => {
    const lin = STUDIES.paper.runs(PRESETS['quick-image-linformer'].config);
    expect(lin.map((r) => [r.ablation.name, r.ok, r.config.landmarks])).toEqual([
      ['softmax', true, 28],
      ['reformer', true, 28],
      ['bigbird', true, 28],
      ['linformer', true, 28],
      ['performer', true, 28],
      ['nystrom', true, 28],
      ['proxy', true, 28],
    ]);
    expect(STUDIES.paper.unavailable).toEqual([]);
    // A base of another variant: a divisor of n = 196 with at least 16 blocks.
    expect(lin.find((r) => r.ablation.name === 'bigbird')!.config.bigbirdBlock).toBe(7);
    expect(lin.find((r) => r.ablation.name === 'reformer')!.config.reformerChunk).toBe(7); // 28 chunks per round
    expect([fittingBlock(196, 64), fittingBlock(4096, 64), fittingBlock(13, 8)]).toEqual([49, 64, 1]);
    expect(getStudy('ablation')).toBe(STUDIES.ablation);
    expect(() => getStudy('paper-table')).toThrow('study "paper-table" is not known: use one of ablation, paper');
  });
});
