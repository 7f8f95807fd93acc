/** Row L2 normalisation and its backward (normalize.wgsl): one invocation per row. */
import type { Buf } from '../../backend';
import { NO_CONSTANTS, type Dispatcher } from '../dispatcher';
import { kernel, shader } from '../shader';
import { uniforms } from '../uniforms';
import normalizeWgsl from './normalize.wgsl?raw';

const normalizeShader = shader(
  'normalize',
  uniforms({ rows: 'u32', cols: 'u32', eps2: 'f32', acc: 'u32' }, { eps2: 0, acc: 0 }),
  normalizeWgsl,
);
const FORWARD = kernel(normalizeShader, 'l2n_forward', 'rww');
const BACKWARD = kernel(normalizeShader, 'l2n_backward', 'rrrw');

/** Rows per workgroup (the shader's WG). */
const ROWS = 64;

export function l2Normalize(d: Dispatcher, x: Buf, out: Buf, norm: Buf, rows: number, cols: number, eps: number): void {
  const op = 'l2Normalize';
  d.need(op, x, rows * cols);
  d.need(op, out, rows * cols);
  d.need(op, norm, rows);
  d.run(op, FORWARD, NO_CONSTANTS, { rows, cols, eps2: eps * eps }, [x, out, norm], d.grid1(Math.ceil(rows / ROWS), op));
}

export function l2NormalizeBackward(
  d: Dispatcher,
  y: Buf,
  norm: Buf,
  dy: Buf,
  dx: Buf,
  rows: number,
  cols: number,
  accumulate: boolean,
): void {
  const op = 'l2NormalizeBackward';
  for (const b of [y, dy, dx]) d.need(op, b, rows * cols);
  d.need(op, norm, rows);
  d.run(op, BACKWARD, NO_CONSTANTS, { rows, cols, acc: accumulate ? 1 : 0 }, [y, norm, dy, dx], d.grid1(Math.ceil(rows / ROWS), op));
}
