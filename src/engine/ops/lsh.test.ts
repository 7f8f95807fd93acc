/**
 * Reformer's hashing, bucket sort and row permutation on the CPU reference: the hash against an
 * argmax written here (ties to the first maximum), the sort against Array.prototype.sort (stable
 * by spec) on (bucket, position), and permuteRows' backward (the gather by the inverse).
 */
import { describe, expect, it } from 'vitest';
import { CpuBackend, backward, bucketSort, intTensor, lshBuckets, mul, permuteRows, sumAll, tensor } from '../index';
import { uniformStream } from '../cpu/random';

const be = new CpuBackend('f64');

describe('Reformer LSH ops (CPU reference)', () => {
  it('lshBuckets is the argmax of [x, −x] per round, the first maximum on ties; padded tokens get 2·half', async () => {
    const rand = uniformStream(3);
    const [b, h, n, rounds, half] = [2, 3, 5, 2, 4];
    const data = Array.from({ length: b * h * n * rounds * half }, () => Math.round((rand() * 2 - 1) * 3) / 2); // many ties
    const mask = [1, 1, 0, 1, 1, 1, 1, 1, 1, 0];
    const got = await lshBuckets(tensor(be, data, [b, h, n, rounds * half]), tensor(be, mask, [b, n]), rounds).read();
    for (let bh = 0; bh < b * h; bh++)
      for (let r = 0; r < rounds; r++)
        for (let t = 0; t < n; t++) {
          const row = data.slice((bh * n + t) * rounds * half + r * half, (bh * n + t) * rounds * half + (r + 1) * half);
          const both = [...row, ...row.map((x) => -x)];
          const want = mask[Math.floor(bh / h) * n + t] === 0 ? 2 * half : both.indexOf(Math.max(...both));
          expect(got[(bh * rounds + r) * n + t]).toBe(want);
        }
  });

  it('bucketSort sorts each row by (bucket, position); sorted and undo are inverse permutations', async () => {
    const rand = uniformStream(5);
    const [rows, n, buckets] = [6, 37, 8];
    const keys = Array.from({ length: rows * n }, () => Math.floor(rand() * buckets));
    const { sorted, undo } = bucketSort(intTensor(be, keys, [2, 3, n]), buckets);
    const [s, u] = [await sorted.read(), await undo.read()];
    for (let row = 0; row < rows; row++) {
      const want = Array.from({ length: n }, (_, t) => t).sort((a, b) => keys[row * n + a] - keys[row * n + b]);
      expect(Array.from(s.subarray(row * n, (row + 1) * n))).toEqual(want.map((t) => row * n + t));
    }
    for (let i = 0; i < rows * n; i++) expect(u[s[i]]).toBe(i);
    expect(() => bucketSort(intTensor(be, [0, 9], [1, 2]), 8)).toThrow(/bucket 9 of token 1 \(row 0\) is outside \[0, 8\)/);
  });

  it('permuteRows moves rows and its gradient moves them back (set and accumulate)', async () => {
    const perm = [2, 0, 3, 1];
    const inverse = [1, 3, 0, 2];
    const x = tensor(be, [1, 2, 3, 4, 5, 6, 7, 8], [4, 2]);
    x.requiresGrad = true;
    const w = tensor(be, [10, 20, 30, 40, 50, 60, 70, 80], [4, 2]);
    const y = permuteRows(x, intTensor(be, perm, [4]), intTensor(be, inverse, [4]));
    expect(Array.from(await y.read())).toEqual([5, 6, 1, 2, 7, 8, 3, 4]);
    // x used twice: the second gradient accumulates into the first.
    backward(sumAll(mul(mul(y, w), permuteRows(x, intTensor(be, inverse, [4]), intTensor(be, perm, [4])))));
    const yv = [5, 6, 1, 2, 7, 8, 3, 4];
    const zv = [3, 4, 7, 8, 1, 2, 5, 6]; // x permuted by the inverse
    const ws = [10, 20, 30, 40, 50, 60, 70, 80];
    // d/dx Σ y·w·z: row i of y is x[perm[i]], row i of z is x[inverse[i]].
    const want = new Array(8).fill(0);
    for (let i = 0; i < 4; i++)
      for (let c = 0; c < 2; c++) {
        want[perm[i] * 2 + c] += ws[i * 2 + c] * zv[i * 2 + c];
        want[inverse[i] * 2 + c] += ws[i * 2 + c] * yv[i * 2 + c];
      }
    expect(Array.from(await x.grad!.read())).toEqual(want);
  });
});
