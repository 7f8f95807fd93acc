/** A Linear layer's forward, bias (and head split) included, in one dispatch (linear.wgsl). */
import type { Buf } from '../../backend';
import { NO_CONSTANTS, type Dispatcher } from '../dispatcher';
import { GpuLimitError } from '../errors';
import { kernel, shader } from '../shader';
import { uniforms } from '../uniforms';
import linearWgsl from './linear.wgsl?raw';

const linearShader = shader('linear', uniforms({ rows: 'u32', k: 'u32', n: 'u32', heads: 'u32', seq: 'u32' }), linearWgsl);
const TILED = kernel(linearShader, 'linear_forward', 'rrrw');
const REG4 = kernel(linearShader, 'linear_reg4', 'rrrw');

/** Outputs per workgroup edge: 16 for the tiled version, 8 invocations × 4 for reg4. */
const EDGE = { tiled: 16, reg4: 32 } as const;

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
  version: 'tiled' | 'reg4',
): void {
  const op = 'linear';
  d.need(op, x, rows * k);
  d.need(op, w, n * k);
  d.need(op, bias, n);
  d.need(op, out, rows * n);
  const edge = EDGE[version];
  const grid: [number, number, number] = [Math.ceil(n / edge), Math.ceil(rows / edge), 1];
  for (const g of grid)
    if (g > d.maxPerDim) throw new GpuLimitError('maxComputeWorkgroupsPerDimension', d.maxPerDim, g, `${op}: ${rows}×${n} outputs`);
  d.run(op, version === 'reg4' ? REG4 : TILED, NO_CONSTANTS, { rows, k, n, heads, seq }, [x, w, bias, out], grid);
}
