/**
 * Reformer's locality-sensitive hashing and bucket sort (docs/baselines.md "Reformer"), the
 * plain loops every WGSL version is tested against (kernels/lsh.wgsl). Neither has a gradient:
 * hashing and sorting only choose which keys a query meets.
 */
import type { CpuArray } from './pool';

/**
 * Angular LSH: buckets[b, r, t] = argmax_j [x_r, −x_r]_j over the 2·half entries of round r of
 * rotated[b, t, r·half … (r+1)·half) (the first maximum on ties, as torch.argmax); a padded token
 * (mask[b / heads, t] = 0) gets bucket 2·half, after every real one.
 */
export function lshHash(
  rotated: CpuArray,
  mask: CpuArray,
  buckets: CpuArray,
  batch: number,
  heads: number,
  n: number,
  rounds: number,
  half: number,
): void {
  const width = rounds * half;
  for (let b = 0; b < batch * heads; b++)
    for (let r = 0; r < rounds; r++)
      for (let t = 0; t < n; t++) {
        if (mask[Math.floor(b / heads) * n + t] === 0) {
          buckets[(b * rounds + r) * n + t] = 2 * half;
          continue;
        }
        const at = (b * n + t) * width + r * half;
        let best = 0;
        let value = -Infinity;
        for (let j = 0; j < 2 * half; j++) {
          const x = j < half ? rotated[at + j] : -rotated[at + j - half];
          if (x > value) {
            value = x;
            best = j;
          }
        }
        buckets[(b * rounds + r) * n + t] = best;
      }
}

/**
 * Stable counting sort of every row of buckets [rows, n] by (bucket, position):
 * sorted[row·n + s] = row·n + t for the token t in sorted slot s, undo[row·n + t] = row·n + s.
 * Both index the flattened [rows·n] table, and each is the other's inverse permutation.
 */
export function bucketSort(buckets: CpuArray, sorted: CpuArray, undo: CpuArray, rows: number, n: number, numBuckets: number): void {
  const start = new Int32Array(numBuckets + 1);
  for (let row = 0; row < rows; row++) {
    start.fill(0);
    for (let t = 0; t < n; t++) {
      const k = buckets[row * n + t];
      if (!(k >= 0 && k < numBuckets)) throw new Error(`bucketSort: bucket ${k} of token ${t} (row ${row}) is outside [0, ${numBuckets})`);
      start[k + 1]++;
    }
    for (let k = 0; k < numBuckets; k++) start[k + 1] += start[k];
    for (let t = 0; t < n; t++) {
      const s = start[buckets[row * n + t]]++;
      sorted[row * n + s] = row * n + t;
      undo[row * n + t] = row * n + s;
    }
  }
}
