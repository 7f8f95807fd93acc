/**
 * Reductions over the middle axis of x viewed as [outer, len, inner], the gradient of max, and
 * the ordered chunk sums that finish the other families' two-stage reductions.
 */
import type { Buf, ReduceOp } from '../../backend';
import { NO_CONSTANTS, WG, chunking, rowWorkgroup, type Dispatcher } from '../dispatcher';
import type { PoolEntry } from '../pool';
import { kernel, shader } from '../shader';
import { uniforms } from '../uniforms';
import reduceWgsl from './reduce.wgsl?raw';
import reduceTreeWgsl from './reduceTree.wgsl?raw';
import reduceTreeBarrierWgsl from './reduceTreeBarrier.wgsl?raw';
import reduceTreeSubgroupWgsl from './reduceTreeSubgroup.wgsl?raw';
import specialWgsl from './special.wgsl?raw';

export const REDUCE_OPS: Record<ReduceOp, number> = { sum: 0, max: 1, sumsq: 2, maxabs: 3 };
const OP_CONSTANTS = Object.fromEntries(Object.entries(REDUCE_OPS).map(([k, v]) => [k, { OP: v }])) as Record<ReduceOp, { OP: number }>;
const ROW_CONSTANTS = new Map<number, Record<string, number>>();

/** `{ OP, WG }` of the row kernel, built once per (op, workgroup size), so a dispatch allocates none. */
function rowConstants(op: ReduceOp, len: number): Record<string, number> {
  const wg = rowWorkgroup(len);
  const key = REDUCE_OPS[op] * 1024 + wg;
  let c = ROW_CONSTANTS.get(key);
  if (!c) {
    c = Object.freeze({ OP: REDUCE_OPS[op], WG: wg });
    ROW_CONSTANTS.set(key, c);
  }
  return c;
}

/** `chunk` is read by the partial (stage-one) kernels only. */
const reduceLayout = uniforms({ outer: 'u32', len: 'u32', inner: 'u32', alpha: 'f32', acc: 'u32', chunk: 'u32' }, { chunk: 0 });
const reduceShader = shader('reduce', reduceLayout, reduceWgsl, [specialWgsl, reduceTreeWgsl, reduceTreeBarrierWgsl]);
/** The row kernel with its sums through subgroups (docs/kernels.md "Subgroups"). */
const ROWS_SUBGROUP = kernel(
  shader('reduceSubgroup', reduceLayout, reduceWgsl, [specialWgsl, reduceTreeWgsl, reduceTreeSubgroupWgsl], ['subgroups']),
  'reduce_rows',
  'rw',
);
const LANES = kernel(reduceShader, 'reduce_lanes', 'rw');
const ROWS = kernel(reduceShader, 'reduce_rows', 'rw');
const PARTIAL = kernel(reduceShader, 'reduce_partial', 'rw');
const PARTIAL_SERIAL = kernel(reduceShader, 'reduce_partial_serial', 'rw');
const MAX_BACKWARD = kernel(reduceShader, 'reduce_max_backward', 'rrrw');

export function reduce(
  d: Dispatcher,
  op: ReduceOp,
  x: Buf,
  out: Buf,
  outer: number,
  len: number,
  inner: number,
  alpha: number,
  accumulate: boolean,
): void {
  const name = `reduce ${op}`;
  if (!(op in REDUCE_OPS)) throw new Error(`reduce: op ${String(op)} is not one of ${Object.keys(REDUCE_OPS).join(', ')}`);
  d.need(name, x, outer * len * inner);
  d.need(name, out, outer * inner);
  const acc = accumulate ? 1 : 0;
  // A whole row per workgroup when the reduced axis is contiguous and long enough to share
  // (not with serial rows: there one invocation per output walks its row, without barriers);
  // two stages (chunk partials, then their combination) for few outputs over a long strided
  // axis (bias gradients); otherwise one invocation per output walks its column.
  if (inner === 1 && len >= 64 && !d.serialRows) {
    d.run(
      name,
      d.subgroups ? ROWS_SUBGROUP : ROWS,
      rowConstants(op, len),
      { outer, len, inner, alpha, acc },
      [x, out],
      d.grid1(outer, name),
    );
  } else if (outer * inner < 4096 && len >= 256) {
    const { chunk, chunks } = chunking(len, outer * Math.ceil(inner / 64), 64, d.reductionTarget);
    const part = d.partials(outer * chunks * inner);
    d.run(
      name,
      d.serialRows ? PARTIAL_SERIAL : PARTIAL,
      OP_CONSTANTS[op],
      { outer, len, inner, alpha: 1, acc: 0, chunk },
      [x, part],
      [Math.ceil(inner / 64), chunks, outer],
    );
    // The chunks hold sums (of values or squares) or maxima (of values or magnitudes).
    const combine = op === 'sum' || op === 'sumsq' ? 'sum' : 'max';
    d.run(
      name,
      LANES,
      OP_CONSTANTS[combine],
      { outer, len: chunks, inner, alpha, acc },
      [part, out],
      d.grid1(Math.ceil((outer * inner) / WG), name),
    );
  } else {
    d.run(name, LANES, OP_CONSTANTS[op], { outer, len, inner, alpha, acc }, [x, out], d.grid1(Math.ceil((outer * inner) / WG), name));
  }
}

export function reduceMaxBackward(
  d: Dispatcher,
  x: Buf,
  y: Buf,
  dy: Buf,
  dx: Buf,
  outer: number,
  len: number,
  inner: number,
  accumulate: boolean,
): void {
  const name = 'reduceMaxBackward';
  d.need(name, x, outer * len * inner);
  d.need(name, dx, outer * len * inner);
  d.need(name, y, outer * inner);
  d.need(name, dy, outer * inner);
  d.run(
    name,
    MAX_BACKWARD,
    NO_CONSTANTS,
    { outer, len, inner, alpha: 1, acc: accumulate ? 1 : 0 },
    [x, y, dy, dx],
    d.grid1(Math.ceil((outer * inner) / WG), name),
  );
}

/** out[i] = Σ_c part[c·width + i] for c < chunks, summed in chunk order (one invocation per lane). */
export function sumChunks(d: Dispatcher, op: string, part: PoolEntry, out: Buf, chunks: number, width: number): void {
  d.run(
    op,
    LANES,
    OP_CONSTANTS.sum,
    { outer: 1, len: chunks, inner: width, alpha: 1, acc: 1 },
    [part, out],
    d.grid1(Math.ceil(width / WG), op),
  );
}

/** out[0] (+)= Σ part[0..n), one workgroup with a barrier tree sum. */
export function sumRow(d: Dispatcher, op: string, part: PoolEntry, out: Buf, n: number, accumulate: boolean): void {
  d.run(op, ROWS, rowConstants('sum', n), { outer: 1, len: n, inner: 1, alpha: 1, acc: accumulate ? 1 : 0 }, [part, out], [1, 1, 1]);
}
