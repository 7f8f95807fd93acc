/**
 * Depthwise 1-D convolution along the sequence (one kernel of length k per head) and its
 * backward: dx per element, dw in two stages (chunk partials, then an ordered sum).
 */
import type { Buf } from '../../backend';
import { NO_CONSTANTS, WG, chunking, type Dispatcher } from '../dispatcher';
import { kernel, shader } from '../shader';
import { uniforms } from '../uniforms';
import { sumChunks } from './reduce';
import dconvWgsl from './dconv.wgsl?raw';
import workgroupReduceWgsl from './workgroupReduce.wgsl?raw';

/** `acc` and `chunk` are read by the dw kernels only. */
const dconvShader = shader(
  'dconv',
  uniforms({ bh: 'u32', heads: 'u32', n: 'u32', d: 'u32', k: 'u32', pad: 'u32', acc: 'u32', chunk: 'u32' }, { acc: 0, chunk: 0 }),
  dconvWgsl,
  [workgroupReduceWgsl],
);
const FORWARD = kernel(dconvShader, 'dconv_forward', 'rrw');
const DX = kernel(dconvShader, 'dconv_dx', 'rrrw');
const DW_PARTIAL = kernel(dconvShader, 'dconv_dw_partial', 'rrrw');
const DW_PARTIAL_SERIAL = kernel(dconvShader, 'dconv_dw_partial_serial', 'rrrw');

function checkConv(op: string, bh: number, heads: number, k: number): void {
  if (!Number.isInteger(heads) || heads < 1 || bh % heads !== 0)
    throw new Error(`${op}: bh = ${bh} must be a multiple of heads = ${heads}`);
  if (!Number.isInteger(k) || k < 1) throw new Error(`${op}: kernel length k = ${k} must be a positive integer`);
}

export function dconv(d: Dispatcher, x: Buf, w: Buf, out: Buf, bh: number, heads: number, n: number, dim: number, k: number): void {
  const op = 'dconv';
  checkConv(op, bh, heads, k);
  d.need(op, x, bh * n * dim);
  d.need(op, out, bh * n * dim);
  d.need(op, w, heads * k);
  d.run(
    op,
    FORWARD,
    NO_CONSTANTS,
    { bh, heads, n, d: dim, k, pad: Math.floor(k / 2) },
    [x, w, out],
    d.grid1(Math.ceil((bh * n * dim) / WG), op),
  );
}

export function dconvBackward(
  d: Dispatcher,
  x: Buf,
  w: Buf,
  dy: Buf,
  dx: Buf | null,
  dw: Buf | null,
  bh: number,
  heads: number,
  n: number,
  dim: number,
  k: number,
): void {
  const op = 'dconvBackward';
  checkConv(op, bh, heads, k);
  d.need(op, x, bh * n * dim);
  d.need(op, dy, bh * n * dim);
  d.need(op, w, heads * k);
  const pad = Math.floor(k / 2);
  // As the CPU reference: dx is overwritten, dw (a parameter gradient) accumulates.
  if (dx) {
    d.need(op, dx, bh * n * dim);
    d.run(op, DX, NO_CONSTANTS, { bh, heads, n, d: dim, k, pad }, [x, w, dy, dx], d.grid1(Math.ceil((bh * n * dim) / WG), op));
  }
  if (dw) {
    d.need(op, dw, heads * k);
    // Two stages: chunk partials per (h, j), then an ordered sum of the chunks into dw.
    const terms = Math.ceil(bh / heads) * n * dim;
    // Workgroups per chunk: one per (h, j) with barriers, one per 64 of them serially.
    const blocks = d.serialRows ? Math.ceil((heads * k) / 64) : heads * k;
    const { chunk, chunks } = chunking(terms, blocks, 256, d.reductionTarget);
    const part = d.partials(chunks * heads * k);
    const values = { bh, heads, n, d: dim, k, pad, acc: 1, chunk };
    if (d.serialRows) d.run(op, DW_PARTIAL_SERIAL, NO_CONSTANTS, values, [x, w, dy, part], [Math.ceil((heads * k) / 64), chunks, 1]);
    else d.run(op, DW_PARTIAL, NO_CONSTANTS, values, [x, w, dy, part], [heads * k, chunks, 1]);
    sumChunks(d, op, part, dw, chunks, heads * k);
  }
}
