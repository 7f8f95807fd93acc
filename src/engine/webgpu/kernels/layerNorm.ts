/** LayerNorm over the last axis and its backward (dx per row; dgamma, dbeta in two stages). */
import type { Buf } from '../../backend';
import { NO_CONSTANTS, WG, chunking, rowConstants, type Dispatcher } from '../dispatcher';
import { kernel, shader } from '../shader';
import { uniforms } from '../uniforms';
import layerNormWgsl from './layerNorm.wgsl?raw';
import workgroupReduceWgsl from './workgroupReduce.wgsl?raw';

/** `chunk`, `chunks` are read by the parameter-gradient kernels only, `eps` by the forward. */
const layerNormShader = shader(
  'layerNorm',
  uniforms({ rows: 'u32', cols: 'u32', eps: 'f32', acc: 'u32', chunk: 'u32', chunks: 'u32' }, { eps: 0, acc: 0, chunk: 0, chunks: 0 }),
  layerNormWgsl,
  [workgroupReduceWgsl],
);
const FORWARD = kernel(layerNormShader, 'ln_forward', 'rrrwww');
const DX = kernel(layerNormShader, 'ln_backward_dx', 'rrrrrw');
const FORWARD_SERIAL = kernel(layerNormShader, 'ln_forward_serial', 'rrrwww');
const DX_SERIAL = kernel(layerNormShader, 'ln_backward_dx_serial', 'rrrrrw');
const PARAMS_PARTIAL = kernel(layerNormShader, 'ln_params_partial', 'rrrrw');
const PARAMS_PARTIAL_SERIAL = kernel(layerNormShader, 'ln_params_partial_serial', 'rrrrw');
const PARAMS_FINISH = kernel(layerNormShader, 'ln_params_finish', 'rww');

/** Serial row kernels: one invocation per row, 64 rows per workgroup. */
const SERIAL_ROWS = 64;

export function layerNorm(
  d: Dispatcher,
  x: Buf,
  gamma: Buf,
  beta: Buf,
  out: Buf,
  mean: Buf,
  rstd: Buf,
  rows: number,
  cols: number,
  eps: number,
): void {
  const op = 'layerNorm';
  d.need(op, x, rows * cols);
  d.need(op, out, rows * cols);
  d.need(op, gamma, cols);
  d.need(op, beta, cols);
  d.need(op, mean, rows);
  d.need(op, rstd, rows);
  const values = { rows, cols, eps };
  const bufs = [x, gamma, beta, out, mean, rstd];
  if (d.serialRows) d.run(op, FORWARD_SERIAL, NO_CONSTANTS, values, bufs, d.grid1(Math.ceil(rows / SERIAL_ROWS), op));
  else d.run(op, FORWARD, rowConstants(cols), values, bufs, d.grid1(rows, op));
}

export function layerNormBackward(
  d: Dispatcher,
  x: Buf,
  gamma: Buf,
  mean: Buf,
  rstd: Buf,
  dy: Buf,
  dx: Buf,
  dgamma: Buf,
  dbeta: Buf,
  rows: number,
  cols: number,
  accumulateDx: boolean,
): void {
  const op = 'layerNormBackward';
  for (const b of [x, dy, dx]) d.need(op, b, rows * cols);
  for (const b of [gamma, dgamma, dbeta]) d.need(op, b, cols);
  for (const b of [mean, rstd]) d.need(op, b, rows);
  const dxValues = { rows, cols, acc: accumulateDx ? 1 : 0 };
  const dxBufs = [x, gamma, mean, rstd, dy, dx];
  if (d.serialRows) d.run(op, DX_SERIAL, NO_CONSTANTS, dxValues, dxBufs, d.grid1(Math.ceil(rows / SERIAL_ROWS), op));
  else d.run(op, DX, rowConstants(cols), dxValues, dxBufs, d.grid1(rows, op));
  // dgamma, dbeta: chunk partials over rows, then one ordered sum per column (no atomics).
  const { chunk, chunks } = chunking(rows, Math.ceil(cols / 64), 64, d.reductionTarget);
  const part = d.partials(chunks * 2 * cols);
  const values = { rows, cols, acc: 1, chunk, chunks };
  d.run(
    op,
    d.serialRows ? PARAMS_PARTIAL_SERIAL : PARAMS_PARTIAL,
    NO_CONSTANTS,
    values,
    [x, mean, rstd, dy, part],
    [Math.ceil(cols / 64), chunks, 1],
  );
  d.run(op, PARAMS_FINISH, NO_CONSTANTS, values, [part, dgamma, dbeta], d.grid1(Math.ceil(cols / WG), op));
}
