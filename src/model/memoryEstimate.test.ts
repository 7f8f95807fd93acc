/** The estimate counts the weights exactly: the formula against the built model, for every variant and its parameter options. */
import { describe, expect, it } from 'vitest';
import { CpuBackend } from '../engine';
import { parameterCounts, formatSize } from './memoryEstimate';
import { buildModel } from './model';
import { tinyConfig } from './testing/configs';

describe('parameterCounts', () => {
  for (const [name, config] of [
    ['softmax', tinyConfig('softmax')],
    ['softmax, two towers', tinyConfig('softmax', { twoTower: true })],
    ['nystrom, conv 3', tinyConfig('nystrom')],
    ['nystrom, no conv', tinyConfig('nystrom', { convKernel: 0 })],
    ['proxy, projected, injection mean', tinyConfig('proxy', { proxyParam: 'projected', injection: 'mean' })],
    ['proxy, per-head proxies, injection none', tinyConfig('proxy', { proxyParam: 'per-head', injection: 'none' })],
    ['linformer, shared E', tinyConfig('linformer', { linformerK: 6, linformerSharing: 'shared' })],
    ['linformer, per-layer E', tinyConfig('linformer', { linformerK: 6, linformerSharing: 'per-layer' })],
    ['performer', tinyConfig('performer', { performerFeatures: 12 })],
    ['linear', tinyConfig('linear', { layers: 3 })],
    ['bigbird, blocks of 2, r 2', tinyConfig('bigbird', { bigbirdBlock: 2, bigbirdRandom: 2 })],
    ['reformer, 3 rounds, chunks of 4', tinyConfig('reformer', { reformerHashes: 3, reformerChunk: 4 })],
  ] as const) {
    it(`${name}: trainable and state elements match the built model`, () => {
      const model = buildModel(new CpuBackend('f32'), config, 0);
      let trainable = 0;
      let state = 0;
      for (const [, t] of model.params.entries()) {
        if (t.requiresGrad) trainable += t.size;
        else state += t.size;
      }
      expect(parameterCounts(config)).toEqual({ trainable, state });
      model.dispose();
    });
  }
});

it('formatSize reads as people do', () => {
  expect(formatSize(512)).toBe('512 B');
  expect(formatSize(1536)).toBe('1.5 KiB');
  expect(formatSize(256 * 1024 * 1024)).toBe('256.0 MiB');
  expect(formatSize(1.9 * 1024 ** 3)).toBe('1.9 GiB');
});
