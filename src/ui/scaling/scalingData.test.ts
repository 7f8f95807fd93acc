import { describe, expect, it } from 'vitest';
import type { Row } from '../../bench/sweep';
import { chartRows, paperMark, parseLengths } from './scalingData';

const row = (variant: Row['variant'], n: number, seqs: number, mem: number, status: Row['status'] = 'ok'): Row => ({
  variant,
  mode: 'train',
  n,
  batch: 2,
  status,
  sequencesPerSecond: seqs,
  peakBytesPerSequence: mem,
});

describe('Scaling view data', () => {
  const rows = [
    row('softmax', 1024, 40, 1000),
    row('proxy', 1024, 80, 300),
    row('softmax', 4096, 4, 16000),
    row('proxy', 4096, 20, 1200),
    row('nystrom', 4096, 0, 0, 'does-not-fit'),
  ];
  it('puts one row per length with a column per measured variant, leaving out what did not run', () => {
    expect(chartRows(rows, 'train', 'sequencesPerSecond')).toEqual([
      { n: 1024, softmax: 40, proxy: 80 },
      { n: 4096, softmax: 4, proxy: 20 },
    ]);
    expect(chartRows(rows, 'inference', 'sequencesPerSecond')).toEqual([]);
  });
  it('draws the baselines like the others: every variant of the schema gets its column', () => {
    const baselines = [row('linformer', 256, 5, 10), row('performer', 256, 6, 11), row('linear', 256, 7, 12)];
    expect(chartRows(baselines, 'train', 'peakBytesPerSequence')).toEqual([{ n: 256, linformer: 10, performer: 11, linear: 12 }]);
  });
  it("marks the paper's Proxyformer point from our softmax at 4096: 3.8× throughput, 0.08× memory", () => {
    expect(paperMark(rows, 'sequencesPerSecond')).toEqual({ n: 4096, value: 4 * 3.8, label: 'paper: Proxyformer 3.8× softmax' });
    expect(paperMark(rows, 'peakBytesPerSequence')!.value).toBeCloseTo(16000 * 0.08);
  });
  it('falls back to the longest softmax length and says so; no mark without softmax', () => {
    const short = rows.filter((r) => r.n === 1024);
    expect(paperMark(short, 'sequencesPerSecond')!.label).toContain('shown at n = 1024');
    expect(paperMark([row('proxy', 64, 1, 1)], 'sequencesPerSecond')).toBeNull();
  });
  it('parses lengths, sorted and unique, and names a bad one', () => {
    expect(parseLengths('512, 256,512')).toEqual({ ok: true, lengths: [256, 512] });
    expect(parseLengths('256,abc')).toEqual({ ok: false, error: 'length "abc" must be an integer ≥ 2' });
    expect(parseLengths(' ')).toMatchObject({ ok: false });
  });
});
