/**
 * Reformer's LSH kernels on WebGPU against the CPU reference (src/engine/cpu/lsh.ts): the hash
 * with ties and padding, and the stable bucket sort with more buckets than invocations, buckets
 * left empty, the padding bucket and rows of several lengths. Both are exact (integer outputs).
 */
import { describe, expect, it } from 'vitest';
import { rand, setUpGpuTwin, tw } from './testing/gpuTwin';

setUpGpuTwin();

async function expectSame(what: string, t: Parameters<typeof tw.compare>[0]): Promise<void> {
  const d = await tw.compare(t, { abs: 0, rel: 0 });
  expect(Array.from(d.test), what).toEqual(Array.from(d.ref));
}

describe('LSH kernels', () => {
  it('lshHash: argmax of [x, −x] per round (first maximum on ties), padded tokens in bucket 2·half', async () => {
    for (const [batch, heads, n, rounds, half] of [
      [2, 3, 7, 2, 4],
      [1, 2, 300, 3, 16],
    ]) {
      const rotated = tw.buf(Float32Array.from({ length: batch * heads * n * rounds * half }, () => Math.round((rand() * 2 - 1) * 4) / 4));
      const mask = tw.buf(Float32Array.from({ length: batch * n }, (_, i) => (i % n < n - 3 ? 1 : 0)));
      const buckets = tw.zeros(batch * heads * rounds * n, 'i32');
      tw.call('lshHash', rotated, mask, buckets, batch, heads, n, rounds, half);
      await expectSame(`lshHash ${batch}×${heads}×${n}, ${rounds} rounds of ${half}`, buckets);
      tw.free(rotated, mask, buckets);
    }
  });

  it('bucketSort: stable by (bucket, position), sorted and undo, up to 1025 buckets', async () => {
    for (const [rows, n, numBuckets] of [
      [5, 9, 3],
      [4, 513, 129], // more buckets than the 64 invocations, most of them small
      [3, 2048, 1025], // the largest: 1024 buckets and the padding bucket
      [70, 64, 16],
    ]) {
      const keys = tw.buf(
        Int32Array.from({ length: rows * n }, (_, i) => (i % 11 === 0 ? numBuckets - 1 : Math.floor(rand() * (numBuckets - 1) * 0.8))),
        'i32',
      );
      const sorted = tw.zeros(rows * n, 'i32');
      const undo = tw.zeros(rows * n, 'i32');
      tw.call('bucketSort', keys, sorted, undo, rows, n, numBuckets);
      await expectSame(`bucketSort sorted ${rows}×${n}, ${numBuckets} buckets`, sorted);
      await expectSame(`bucketSort undo ${rows}×${n}, ${numBuckets} buckets`, undo);
      tw.free(keys, sorted, undo);
    }
  });

  it('bucketSort refuses more buckets than one workgroup counts', () => {
    const keys = tw.zeros(4, 'i32');
    expect(() => tw.test.bucketSort(keys.test, keys.test, keys.test, 1, 4, 1026)).toThrow(/1026 buckets exceed the 1025 counters/);
    tw.free(keys);
  });
});
