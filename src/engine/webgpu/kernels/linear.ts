/** A Linear layer's forward, bias (and head split) included, in one dispatch (linear.wgsl). */
import type { Buf } from '../../backend';
import { NO_CONSTANTS, type Dispatcher } from '../dispatcher';
import { GpuLimitError } from '../errors';
import { kernel, shader } from '../shader';
import { uniforms } from '../uniforms';
import linearWgsl from './linear.wgsl?raw';

const linearShader = shader('linear', uniforms({ rows: 'u32', k: 'u32', n: 'u32', heads: 'u32', seq: 'u32' }), linearWgsl);
const FORWARD = kernel(linearShader, 'linear_forward', 'rrrw');

/** The shader's output tile edge. */
const T = 16;

export function linear(
  d: Dispatcher,
  x: Buf,
  w: Buf,
  bias: Buf,
  out: Buf,
  rows: number,
  k: number,
  n: number,
  heads: number,
  seq: number,
): void {
  const op = 'linear';
  d.need(op, x, rows * k);
  d.need(op, w, n * k);
  d.need(op, bias, n);
  d.need(op, out, rows * n);
  const grid: [number, number, number] = [Math.ceil(n / T), Math.ceil(rows / T), 1];
  for (const g of grid)
    if (g > d.maxPerDim) throw new GpuLimitError('maxComputeWorkgroupsPerDimension', d.maxPerDim, g, `${op}: ${rows}×${n} outputs`);
  d.run(op, FORWARD, NO_CONSTANTS, { rows, k, n, heads, seq }, [x, w, bias, out], grid);
}
