import { describe, expect, it } from 'vitest';
import { parseBenchArgs } from './args';

describe('parseBenchArgs', () => {
  it("defaults to the targets' setting: batch 32, lengths 256…8192, all variants, the tfjs peer, shrinking a batch that does not fit", () => {
    const a = parseBenchArgs([]);
    expect(a.sweep).toMatchObject({
      batch: 32,
      lengths: [256, 512, 1024, 2048, 4096, 8192],
      variants: [
        'softmax',
        'nystrom',
        'proxy',
        'linformer',
        'performer',
        'linear',
        'bigbird',
        'reformer',
        'softmax-fused',
        'nystrom-fused',
        'proxy-fused',
      ],
      shrinkBatch: true,
    });
    expect(a.peers).toEqual(['tfjs']);
  });
  it('reads a CI-sized run', () => {
    const a = parseBenchArgs([
      '--batch',
      '2',
      '--lengths',
      '64,128',
      '--variants',
      'proxy,softmax',
      '--landmarks',
      '32',
      '--conv',
      '3',
      '--peers',
      'none',
      '--no-shrink',
      '--modes',
      'train',
    ]);
    expect(a.sweep).toMatchObject({
      batch: 2,
      lengths: [64, 128],
      variants: ['proxy', 'softmax'],
      overrides: { landmarks: 32, linformerK: 32, performerFeatures: 32, convKernel: 3 },
      shrinkBatch: false,
      modes: ['train'],
    });
    expect(a.peers).toEqual([]);
  });
  it('names bad values and what is allowed', () => {
    expect(() => parseBenchArgs(['--batch', '0'])).toThrow(/--batch must be an integer ≥ 1, got "0"/);
    expect(() => parseBenchArgs(['--variants', 'lsh'])).toThrow(
      /"lsh" is not one of softmax, nystrom, proxy, linformer, performer, linear, bigbird, reformer/,
    );
    expect(() => parseBenchArgs(['--peers', 'ort'])).toThrow(/"ort" is not one of tfjs, none/);
    expect(() => parseBenchArgs(['--speed', '1'])).toThrow(/unknown option --speed/);
    expect(() => parseBenchArgs(['--batch'])).toThrow(/unexpected argument "--batch"/);
  });
});
