/** Bad configs and weights are refused before any graph is built, with what is wrong and what is allowed. */
import { describe, expect, it } from 'vitest';
import type { ModelConfig } from '../../config/index.ts';
import { checkExportConfig, isStateName, parameterShapes, trainableShapes, type ExportConfig } from './config.ts';
import { exportOnnx } from './export.ts';
import { tinyConfig } from './testing/harness.ts';
import { randomWeights } from '../testing/random.ts';

// Compile-time: the project's model config is accepted by exportOnnx as it is.
const acceptsProjectConfig = (c: ModelConfig): ExportConfig => c;

describe('export config checks', () => {
  it('accepts the tiny configs and the project ModelConfig type', () => {
    expect(() => checkExportConfig(tinyConfig({}))).not.toThrow();
    expect(typeof acceptsProjectConfig).toBe('function');
  });

  const bad: [Partial<ExportConfig>, RegExp][] = [
    [
      { attention: 'lsh' as never },
      /config attention "lsh" is not a known value: allowed one of softmax, nystrom, proxy, linformer, performer, linear, bigbird, reformer\./,
    ],
    [
      { attention: 'linformer', linformerSharing: 'global' as never },
      /linformerSharing "global" is not a known value: allowed one of shared, per-layer/,
    ],
    [
      { attention: 'performer', performerKernel: 'exp' as never },
      /performerKernel "exp" is not a known value: allowed one of relu, softmax/,
    ],
    [{ attention: 'linformer', linformerK: 0 }, /linformerK 0 is below the minimum 1/],
    [{ attention: 'performer', performerFeatures: 2.5 }, /performerFeatures 2.5 is not an integer/],
    [{ injection: 'sum' as never }, /injection "sum" is not a known value: allowed one of attend, attend-centred, mean, segment, none/],
    [{ dModel: 15 }, /dModel 15 is not divisible by heads 2: use heads 1, 3, 5, 15, or dModel 14 or 16/],
    [{ convKernel: 4 }, /convKernel 4 is even: use 3 or 5, or 0 for off/],
    [{ attention: 'nystrom', seqLen: 18 }, /seqLen 18 is not a multiple of landmarks 4 \(Nyströmformer splits n into m equal segments\)/],
    [{ injection: 'segment', seqLen: 18 }, /seqLen 18 is not a multiple of landmarks 4 \(injection 'segment'/],
    [{ landmarks: 32 }, /landmarks 32 is more than seqLen 16: use at most 16 landmarks/],
    [{ layers: 0 }, /layers 0 is below the minimum 1: allowed an integer from 1 to 12/],
    [{ layers: 1.5 }, /layers 1.5 is not an integer/],
    [{ twoTower: 'yes' as never }, /twoTower "yes" is not a boolean: allowed true or false/],
    [{ pinvIterations: -1 }, /pinvIterations -1 is below the minimum 0: allowed an integer from 0 to 50/],
  ];
  for (const [over, message] of bad) {
    it(`refuses ${JSON.stringify(over)}`, () => {
      const c = tinyConfig(over);
      expect(() => checkExportConfig(c)).toThrow(message);
    });
  }

  it('lets proxy attention take n that is not a multiple of m', () => {
    expect(() => checkExportConfig(tinyConfig({ seqLen: 18 }))).not.toThrow();
  });

  it('ignores landmarks for the baselines (they have none)', () => {
    for (const attention of ['linformer', 'performer', 'linear'] as const)
      expect(() => checkExportConfig(tinyConfig({ attention, landmarks: 32 }))).not.toThrow();
  });
});

describe('contract parameter names and shapes', () => {
  it('lists the per-variant parameters of docs/model-contract.md', () => {
    const projected = parameterShapes(tinyConfig({ injection: 'mean', twoTower: true }));
    expect(projected.get('layers.1.attn.proxies')).toEqual([4, 16]);
    expect(projected.get('layers.0.attn.inject.weight')).toEqual([16, 16]);
    expect(projected.get('layers.0.attn.conv.weight')).toEqual([2, 3]);
    expect(projected.get('head.fc1.weight')).toEqual([24, 64]);
    const perHead = parameterShapes(tinyConfig({ proxyParam: 'per-head', convKernel: 0 }));
    expect(perHead.get('layers.0.attn.proxy_q')).toEqual([2, 4, 8]);
    expect(perHead.has('layers.0.attn.conv.weight')).toBe(false);
    expect(perHead.has('layers.0.attn.inject.weight')).toBe(false);
    const shared = parameterShapes(tinyConfig({ attention: 'linformer', linformerK: 3 }));
    expect([...shared.keys()].slice(0, 3)).toEqual(['embed.tokens.weight', 'embed.positions.weight', 'linformer_e']);
    expect(shared.get('linformer_e')).toEqual([2, 3, 16]);
    expect([...shared.keys()].filter((k) => /linformer|conv|features/.test(k))).toEqual(['linformer_e']);
    const perLayer = parameterShapes(tinyConfig({ attention: 'linformer', linformerK: 3, linformerSharing: 'per-layer' }));
    expect([...perLayer.keys()].filter((k) => k.includes('linformer'))).toEqual(['layers.0.attn.linformer_e', 'layers.1.attn.linformer_e']);
    const performer = parameterShapes(tinyConfig({ attention: 'performer', performerFeatures: 7 }));
    expect(performer.get('layers.1.attn.features')).toEqual([7, 8]);
    expect(isStateName('layers.1.attn.features')).toBe(true);
    expect([...trainableShapes(tinyConfig({ attention: 'performer' })).keys()].some((k) => k.endsWith('features'))).toBe(false);
    expect([...trainableShapes(tinyConfig({ attention: 'linformer' })).keys()]).toContain('linformer_e');
    const linear = parameterShapes(tinyConfig({ attention: 'linear' }));
    expect([...linear.keys()].filter((k) => k.startsWith('layers.0.attn.'))).toHaveLength(8);
    const softmax = parameterShapes(tinyConfig({ attention: 'softmax' }));
    expect([...softmax.keys()].filter((k) => k.startsWith('layers.0.'))).toEqual([
      'layers.0.norm1.weight',
      'layers.0.norm1.bias',
      'layers.0.attn.q.weight',
      'layers.0.attn.q.bias',
      'layers.0.attn.k.weight',
      'layers.0.attn.k.bias',
      'layers.0.attn.v.weight',
      'layers.0.attn.v.bias',
      'layers.0.attn.out.weight',
      'layers.0.attn.out.bias',
      'layers.0.norm2.weight',
      'layers.0.norm2.bias',
      'layers.0.ffn.fc1.weight',
      'layers.0.ffn.fc1.bias',
      'layers.0.ffn.fc2.weight',
      'layers.0.ffn.fc2.bias',
    ]);
  });
});

describe('exportOnnx refuses bad weights', () => {
  const c = tinyConfig({});
  it('names a missing parameter', () => {
    const w = randomWeights(parameterShapes(c));
    w.delete('layers.1.ffn.fc2.bias');
    expect(() => exportOnnx(c, w)).toThrow('weights lack the parameter(s) layers.1.ffn.fc2.bias');
  });
  it('names an unknown parameter', () => {
    const w = randomWeights(parameterShapes(c));
    w.set('layers.0.attn.proxy_q', new Float32Array(64));
    expect(() => exportOnnx(c, w)).toThrow(/no parameter for: layers\.0\.attn\.proxy_q/);
  });
  it('names a parameter of the wrong size', () => {
    const w = randomWeights(parameterShapes(c));
    w.set('embed.tokens.weight', new Float32Array(10));
    expect(() => exportOnnx(c, w)).toThrow('parameter embed.tokens.weight has 10 values; shape [11, 16] needs 176');
  });
});
