import { describe, expect, it } from 'vitest';
import { committedMemory } from './committedMemory';

describe('committed n = 4096 memory (results/2026-12-02-cpu-reference-memory-4096)', () => {
  const table = committedMemory();
  const row = (v: string) => table.rows.find((r) => r.variant === v);

  it('is at the paper length, and Proxyformer is at most 0.08× materialized softmax and at most Nyströmformer (fused, both)', () => {
    expect(table.n).toBe(4096);
    expect(row('proxy-fused')!.vsSoftmax).toBeLessThanOrEqual(0.08);
    expect(row('proxy-fused')!.vsNystrom!).toBeLessThanOrEqual(1);
    expect(row('softmax')!.vsSoftmax).toBe(1);
  });

  it('sorts by memory and compares each with the Nyströmformer of its own softmax implementation', () => {
    const mib = table.rows.map((r) => r.mib);
    expect(mib).toEqual([...mib].sort((a, b) => a - b));
    expect(row('nystrom')!.vsNystrom).toBe(1);
    expect(row('nystrom-fused')!.vsNystrom).toBe(1);
  });

  it('refuses a file without a softmax row, naming it', () => {
    expect(() => committedMemory({ n: 4096, batch: 1, backend: 'x', rows: [] })).toThrow(/no softmax row/);
  });
});
