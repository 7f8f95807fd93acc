/** Reformer's angular LSH and stable bucket sort (kernels/lsh.wgsl; CPU reference src/engine/cpu/lsh.ts). */
import type { Buf } from '../../backend';
import { NO_CONSTANTS, type Dispatcher } from '../dispatcher';
import { kernel, shader } from '../shader';
import { uniforms } from '../uniforms';
import lshWgsl from './lsh.wgsl?raw';

/** Workgroup size of both kernels (the WGSL's default WG) and the sort's bucket limit (its MAX_BUCKETS: 1024 and the padding bucket). */
const LSH_WG = 64;
export const MAX_SORT_BUCKETS = 1025;

const lshShader = shader(
  'lsh',
  uniforms(
    { bh: 'u32', heads: 'u32', n: 'u32', rounds: 'u32', half: 'u32', rows: 'u32', buckets: 'u32' },
    { bh: 0, heads: 0, rounds: 0, half: 0, rows: 0, buckets: 0 },
  ),
  lshWgsl,
);
const HASH = kernel(lshShader, 'lsh_hash', 'rrw');
const SORT = kernel(lshShader, 'bucket_sort', 'rww');

export function lshHash(
  d: Dispatcher,
  rotated: Buf,
  mask: Buf,
  buckets: Buf,
  batch: number,
  heads: number,
  n: number,
  rounds: number,
  half: number,
): void {
  const op = 'lshHash';
  const bh = batch * heads;
  d.need(op, rotated, bh * n * rounds * half);
  d.need(op, mask, batch * n);
  d.need(op, buckets, bh * rounds * n, 'i32');
  d.run(
    op,
    HASH,
    NO_CONSTANTS,
    { bh, heads, n, rounds, half },
    [rotated, mask, buckets],
    d.grid1(Math.ceil((bh * rounds * n) / LSH_WG), op),
  );
}

export function bucketSort(d: Dispatcher, keys: Buf, sorted: Buf, undo: Buf, rows: number, n: number, numBuckets: number): void {
  const op = 'bucketSort';
  if (numBuckets > MAX_SORT_BUCKETS)
    throw new Error(
      `${op}: ${numBuckets} buckets exceed the ${MAX_SORT_BUCKETS} counters one workgroup holds (use longer Reformer chunks)`,
    );
  for (const b of [keys, sorted, undo]) d.need(op, b, rows * n, 'i32');
  d.run(op, SORT, NO_CONSTANTS, { n, rows, buckets: numBuckets }, [keys, sorted, undo], d.grid1(rows, op));
}
