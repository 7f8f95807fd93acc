import { describe, expect, it } from 'vitest';
import { defaultConfig } from './defaults';
import {
  CONFIG_KEYS,
  COLD_KEYS,
  diffConfig,
  HOT_KEYS,
  isColdKey,
  isHotKey,
  MODEL_HOT_KEYS,
  modelConfig,
  paramSpec,
  SCHEMA,
  trainConfig,
  type ColdKey,
  type HotKey,
  type ModelHotKey,
  type RunConfig,
} from './schema';
import { ATTENTIONS, LRA_TASKS, type Attention } from './spec';
import { TASK_FACTS } from './tasks';
import { validateConfig } from './validate';

// The keys docs/model-contract.md fixes (shared with the PyTorch reference): none may go missing.
const CONTRACT_MODEL = [
  'attention',
  'layers',
  'dModel',
  'heads',
  'ffn',
  'vocabSize',
  'numClasses',
  'seqLen',
  'twoTower',
  'pooling',
  'dropout',
  'attentionDropout',
  'softmaxImpl',
  'landmarks',
  'pinvIterations',
  'pinvInit',
  'convKernel',
  'proxyParam',
  'proxyInit',
  'injection',
  'contrastive',
  'contrastiveWeight',
  'contrastiveTemperature',
  'decomposedDropout',
  'decomposedDropoutRate',
  'linformerK',
  'linformerSharing',
  'performerFeatures',
  'performerKernel',
  'performerRedraw',
  'bigbirdBlock',
  'bigbirdRandom',
  'reformerHashes',
  'reformerChunk',
];
const CONTRACT_TRAIN = [
  'task',
  'batchSize',
  'steps',
  'lr',
  'warmupSteps',
  'weightDecay',
  'beta1',
  'beta2',
  'adamEps',
  'gradClip',
  'cycleMomentum',
  'divFactor',
  'finalDivFactor',
  'evalEvery',
  'evalSteps',
  'testSize',
  'checkpointEvery',
  'dataSeed',
  'initSeed',
  'microBatches',
];

describe('config schema', () => {
  it('declares every contract key, in the contract’s part', () => {
    for (const k of CONTRACT_MODEL) expect(paramSpec(k as never).part, k).toBe('model');
    for (const k of CONTRACT_TRAIN) expect(paramSpec(k as never).part, k).toBe('train');
    expect(Object.keys(modelConfig(defaultConfig())).sort()).toEqual([...CONTRACT_MODEL].sort());
    expect(Object.keys(trainConfig(defaultConfig())).sort()).toEqual([...CONTRACT_TRAIN].sort());
  });

  it('gives every key a unique 1–4 character URL key, help text, a sane range and a default inside it', () => {
    const urls = CONFIG_KEYS.map((k) => paramSpec(k).url);
    expect(new Set(urls).size).toBe(urls.length);
    expect(urls).not.toContain('v'); // reserved for the hash version
    for (const key of CONFIG_KEYS) {
      const s = paramSpec(key);
      expect(s.url, key).toMatch(/^[a-z0-9]{1,4}$/);
      expect(s.help.length, key).toBeGreaterThan(20);
      if (s.type === 'int' || s.type === 'float') {
        expect(s.min, key).toBeLessThan(s.max);
        const all = [s.default, ...Object.values(s.defaultByTask ?? {}), ...Object.values(s.defaultByAttention ?? {})] as number[];
        for (const d of all) expect(d >= s.min && d <= s.max, `${key} default ${d}`).toBe(true);
      }
      if (s.type === 'enum') expect(s.values, key).toContain(s.default);
    }
  });

  it('marks every Proxyformer switch with its provenance, and the paper’s own statements as paper', () => {
    const proxyOnly = CONFIG_KEYS.filter((k) => paramSpec(k).group === 'proxyformer');
    expect(proxyOnly.length).toBeGreaterThanOrEqual(7);
    for (const k of proxyOnly) expect(paramSpec(k).provenance?.note.length, k).toBeGreaterThan(10);
    expect(SCHEMA.contrastiveTemperature.provenance?.source).toBe('paper');
    expect(SCHEMA.decomposedDropoutRate.provenance?.source).toBe('paper');
    expect(SCHEMA.decomposedDropout.provenance?.source).toBe('paper');
    expect(SCHEMA.landmarks.provenance?.source).toBe('paper');
    expect(SCHEMA.injection.provenance?.source).toBe('ours');
    expect(SCHEMA.contrastive.provenance?.source).toBe('ours');
    expect(SCHEMA.contrastiveWeight.provenance?.source).toBe('ours');
  });

  it('splits hot and cold as the runtime needs: sizes, variant, length and task are cold; rates are hot', () => {
    for (const k of [
      'layers',
      'dModel',
      'heads',
      'attention',
      'seqLen',
      'task',
      'landmarks',
      'injection',
      'batchSize',
      'initSeed',
    ] as const)
      expect(COLD_KEYS).toContain(k);
    for (const k of [
      'lr',
      'weightDecay',
      'dropout',
      'attentionDropout',
      'contrastiveWeight',
      'contrastiveTemperature',
      'decomposedDropoutRate',
      'gradClip',
      'evalEvery',
    ] as const) {
      expect(HOT_KEYS).toContain(k);
    }
    const base = defaultConfig();
    expect(diffConfig(base, { ...base, lr: 3e-4 })).toEqual({ changed: ['lr'], needsRebuild: false });
    expect(diffConfig(base, { ...base, lr: 3e-4, seqLen: 1024 }).needsRebuild).toBe(true);
  });

  it('derives the hot and cold key lists and types from each key’s own apply flag', () => {
    expect([...HOT_KEYS, ...COLD_KEYS].sort()).toEqual([...CONFIG_KEYS].sort());
    for (const k of CONFIG_KEYS) {
      expect(isHotKey(k), k).toBe(paramSpec(k).apply === 'hot');
      expect(isColdKey(k), k).toBe(paramSpec(k).apply === 'cold');
    }
    expect(MODEL_HOT_KEYS.every((k) => paramSpec(k).part === 'model' && isHotKey(k))).toBe(true);
    expect([isHotKey('toString'), isColdKey('constructor'), isHotKey('colour')]).toEqual([false, false, false]);
    // The types follow the same flags: a cold key is not a HotKey, a train key not a ModelHotKey.
    const hot: HotKey[] = ['lr', 'dropout'];
    const modelHot: ModelHotKey[] = ['contrastiveTemperature'];
    // @ts-expect-error layers is cold
    const notHot: HotKey = 'layers';
    // @ts-expect-error lr is a train key
    const notModel: ModelHotKey = 'lr';
    const cold: ColdKey = 'seqLen';
    expect([hot, modelHot, notHot, notModel, cold].flat().length).toBe(6);
  });
});

describe('defaultConfig', () => {
  it('is the paper preset for every task and variant, and valid', () => {
    for (const task of LRA_TASKS) {
      for (const attention of ATTENTIONS) {
        const c = defaultConfig(task, attention);
        expect([c.layers, c.dModel, c.heads, c.ffn, c.landmarks, c.dropout, c.lr, c.adamEps]).toEqual([
          2, 64, 2, 128, 128, 0.1, 1e-4, 1e-6,
        ]);
        expect(c.numClasses).toBe(TASK_FACTS[task].numClasses);
        expect(c.twoTower).toBe(task === 'retrieval');
        expect(c.batchSize).toBe(TASK_FACTS[task].paper.batchSize);
        const { issues, ok } = validateConfig(c);
        expect(issues, `${task}/${attention}`).toEqual([]);
        expect(ok).toBe(true);
      }
    }
  });

  it('follows the per-variant defaults: global pinv init for Nyströmformer (reference code), per-matrix for Proxyformer', () => {
    expect(defaultConfig('image', 'nystrom').pinvInit).toBe('global');
    expect(defaultConfig('image', 'proxy').pinvInit).toBe('per-matrix');
  });

  it('has the LRA schedules of docs/tasks.md', () => {
    const row = (t: RunConfig) => [t.seqLen, t.batchSize, t.warmupSteps, t.steps, t.evalEvery, t.evalSteps];
    expect(row(defaultConfig('listops'))).toEqual([2048, 32, 1000, 5000, 50, 62]);
    expect(row(defaultConfig('text'))).toEqual([4096, 32, 8000, 20000, 500, 781]);
    expect(row(defaultConfig('retrieval'))).toEqual([4096, 32, 800, 30000, 300, 565]);
    expect(row(defaultConfig('image'))).toEqual([1024, 256, 175, 35000, 175, 20]);
    expect(row(defaultConfig('pathfinder'))).toEqual([1024, 256, 312, 62400, 312, 312]);
  });

  it('types the config from the table (a compile-time check)', () => {
    const c = defaultConfig('listops', 'softmax');
    const variant: Attention = c.attention;
    const injection: 'attend' | 'attend-centred' | 'mean' | 'segment' | 'none' = c.injection;
    const twoTower: boolean = c.twoTower;
    expect([variant, injection, twoTower]).toEqual(['softmax', 'attend', false]);
  });
});
