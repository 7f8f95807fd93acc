/** A Linear layer's forward, bias (and head split) included, in one dispatch (linear.wgsl). */
import type { Buf } from '../../backend';
import type { LinearKernel } from '../autotune/linearChoice';
import { NO_CONSTANTS, type Dispatcher } from '../dispatcher';
import { GpuLimitError } from '../errors';
import { kernel, shader } from '../shader';
import { uniforms } from '../uniforms';
import linearWgsl from './linear.wgsl?raw';

const linearShader = shader('linear', uniforms({ rows: 'u32', k: 'u32', n: 'u32', heads: 'u32', seq: 'u32' }), linearWgsl);
const TILED = kernel(linearShader, 'linear_forward', 'rrrw');
const REG4 = kernel(linearShader, 'linear_reg4', 'rrrw');

/** reg4's override constants per workgroup side, built once (no allocation per call). */
const reg4Constants = new Map<number, { RW: number }>();

/** The Linear with the kernel `kern` picks (autotune/linearChoice.ts); reported under `kern.name`. */
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
  kern: LinearKernel,
): void {
  const op = kern.name;
  d.need(op, x, rows * k);
  d.need(op, w, n * k);
  d.need(op, bias, n);
  d.need(op, out, rows * n);
  // Outputs per workgroup edge: 16 for the tiled version, RW invocations × 4 for reg4.
  const edge = kern.version === 'reg4' ? 4 * kern.rw : 16;
  const grid: [number, number, number] = [Math.ceil(n / edge), Math.ceil(rows / edge), 1];
  for (const g of grid)
    if (g > d.maxPerDim) throw new GpuLimitError('maxComputeWorkgroupsPerDimension', d.maxPerDim, g, `${op}: ${rows}×${n} outputs`);
  let constants = NO_CONSTANTS;
  if (kern.version === 'reg4') {
    let c = reg4Constants.get(kern.rw);
    if (!c) {
      c = { RW: kern.rw };
      reg4Constants.set(kern.rw, c);
    }
    constants = c;
  }
  d.run(op, kern.version === 'reg4' ? REG4 : TILED, constants, { rows, k, n, heads, seq }, [x, w, bias, out], grid);
}
