/**
 * The checkpoint file stays readable whatever the run's length: a run at the schema's largest
 * `steps`, one metrics row a step plus its evaluations (synthesised, not trained), is written
 * and read back with every row, and its header stays small. Version 1 files still read.
 */
import { describe, expect, it } from 'vitest';
import { paramSpec } from '../config';
import { MetricsBuffer } from '../io/metrics';
import { MAX_HEADER_BYTES, writeSafetensors } from '../io/safetensors';
import { parseCheckpoint, writeCheckpoint, type CheckpointParts } from './checkpointFile';
import { tinyConfig } from './testing';

const headerBytes = (file: Uint8Array) => Number(new DataView(file.buffer, file.byteOffset, 8).getBigUint64(0, true));

function parts(steps: number, metrics: MetricsBuffer): CheckpointParts {
  const w = Float32Array.from({ length: 12 }, (_, i) => i / 7);
  return {
    config: tinyConfig('proxy', { steps, evalEvery: 1000 }),
    step: steps,
    optimizerStep: steps,
    lrScale: 0.5,
    weights: [{ name: 'head.weight', shape: [3, 4], data: w }],
    moments: [{ name: 'head.weight', shape: [3, 4], m: w.map((x) => -x), v: w.map((x) => x * x) }],
    metrics,
    bestValAccuracy: 0.625,
  };
}

describe('checkpoint file', () => {
  it("writes and reads back a run at the schema's largest step count with every metrics row", () => {
    const steps = (paramSpec('steps') as { max: number }).max;
    expect(steps).toBeGreaterThanOrEqual(1_000_000);
    const metrics = new MetricsBuffer();
    for (let s = 1; s <= steps; s++) {
      metrics.append({
        step: s,
        wallMs: s * 31.25,
        taskLoss: 2 / Math.sqrt(s),
        loss: 2 / Math.sqrt(s),
        trainAccuracy: 0.5,
        lr: 1e-3,
        beta1: 0.9,
        msPerStep: 31.25,
        seqsPerSec: 1024,
        tokensPerSec: 2_097_152,
        memWeights: 4e6,
        memGradients: 4e6,
        memOptimizer: 8e6,
        memActivations: 3e7,
        memScratch: 1e6,
        memPeak: 5e7,
        jsHeap: 1.25e8,
      });
      if (s % 1000 === 0) metrics.append({ step: s, valLoss: 0.75, valAccuracy: s / (2 * steps) });
    }
    const t0 = performance.now();
    const file = writeCheckpoint(parts(steps, metrics));
    const back = parseCheckpoint(file);
    const ms = performance.now() - t0;
    expect(headerBytes(file)).toBeLessThan(16_384); // the old layout needed ~150 MB here (limit MAX_HEADER_BYTES)
    expect(headerBytes(file)).toBeLessThan(MAX_HEADER_BYTES);
    expect(back.metrics.length).toBe(metrics.length);
    expect(back.step).toBe(steps);
    expect(back.metrics.row(back.metrics.length - 1)).toEqual({ step: steps, valLoss: 0.75, valAccuracy: 0.5 });
    const [got, want] = [back.metrics.row(999), metrics.row(999)];
    expect(Object.keys(got)).toEqual(Object.keys(want));
    for (const k of Object.keys(want) as (keyof typeof want)[]) expect(Math.abs(got[k]! / want[k]! - 1)).toBeLessThan(1e-7); // F32: the CSV's 7 digits
    expect(back.metrics.last('step')).toBe(steps);
    expect(back.metrics.column('taskLoss')[123_456]).toBeCloseTo(2 / Math.sqrt(123_457 - 123), 6);
    expect(back.bestValAccuracy).toBe(0.625);
    expect(ms).toBeLessThan(60_000);
  }, 180_000);

  it('keeps weights, moments and metadata, and leaves empty metric columns out', () => {
    const metrics = MetricsBuffer.fromCsv('step,loss,valAccuracy\n1,2.5,\n2,2.25,0.5\n');
    const file = writeCheckpoint(parts(40, metrics));
    const back = parseCheckpoint(file);
    expect([...back.weights.keys()]).toEqual(['head.weight']);
    expect(back.moments.get('head.weight')!.m[1]).toBeCloseTo(-1 / 7, 7);
    expect(back.metrics.rows()).toEqual([
      { step: 1, loss: 2.5 },
      { step: 2, loss: 2.25, valAccuracy: 0.5 },
    ]);
    expect([back.lrScale, back.optimizerStep, back.config.steps]).toEqual([0.5, 40, 40]);
    const names = new TextDecoder().decode(file.subarray(8, 8 + headerBytes(file)));
    expect(names).toContain('"metrics/loss"');
    expect(names).not.toContain('"metrics/tokensPerSec"');
  });

  it('reads a version 1 checkpoint (metrics as CSV in the header)', () => {
    const w = new Float32Array(2);
    const v1 = writeSafetensors(
      { 'head.bias': { dtype: 'F32', shape: [2], data: w }, 'optimizer.head.bias.exp_avg': { dtype: 'F32', shape: [2], data: w } },
      {
        format: 'proxyformer-checkpoint',
        version: '1',
        config: JSON.stringify(tinyConfig('proxy')),
        step: '7',
        optimizerStep: '7',
        lrScale: '1',
        bestValAccuracy: '',
        metrics: 'step,loss\n6,1.5\n7,1.25\n',
      },
    );
    const back = parseCheckpoint(v1);
    expect(back.metrics.rows()).toEqual([
      { step: 6, loss: 1.5 },
      { step: 7, loss: 1.25 },
    ]);
    expect([back.step, back.bestValAccuracy]).toEqual([7, null]);
  });

  it('refuses metrics columns of different lengths, naming them', () => {
    const file = writeSafetensors(
      {
        'metrics/step': { dtype: 'F32', shape: [3], data: new Float32Array(3) },
        'metrics/loss': { dtype: 'F32', shape: [2], data: new Float32Array(2) },
      },
      {
        format: 'proxyformer-checkpoint',
        version: '2',
        config: JSON.stringify(tinyConfig('proxy')),
        step: '3',
        optimizerStep: '3',
        lrScale: '1',
      },
    );
    expect(() => parseCheckpoint(file)).toThrow(/column "loss" has 2 rows, "step" has 3/);
  });
});
