/** out[b] = shift·I + alpha·A[b]·B[b] for square matrices (shiftedProduct.wgsl), one dispatch per 65535 products. */
import type { Buf } from '../../backend';
import { GpuLimitError } from '../errors';
import type { Dispatcher } from '../dispatcher';
import { kernel, shader } from '../shader';
import { uniforms } from '../uniforms';
import shiftedProductWgsl from './shiftedProduct.wgsl?raw';

const shiftedShader = shader(
  'shiftedProduct',
  uniforms({ m: 'u32', batch0: 'u32', alpha: 'f32', shift: 'f32' }, { batch0: 0 }),
  shiftedProductWgsl,
);
const SHIFTED = kernel(shiftedShader, 'shifted_product', 'rrw');
const constantsBySide = new Map<number, { RW: number }>();

export function shiftedProduct(d: Dispatcher, a: Buf, b: Buf, out: Buf, batch: number, m: number, shift: number, alpha: number): void {
  const op = 'shiftedProduct';
  for (const [key, v] of Object.entries({ batch, m }))
    if (!Number.isInteger(v) || v < 1) throw new Error(`${op}: ${key} = ${v} must be a positive integer`);
  for (const t of [a, b, out]) d.need(op, t, batch * m * m);
  // The reg4 matmul's workgroup side: the same 4×4 blocks per invocation, sized for the adapter.
  const rw = d.reg4Workgroup;
  let constants = constantsBySide.get(rw);
  if (!constants) {
    constants = Object.freeze({ RW: rw });
    constantsBySide.set(rw, constants);
  }
  const g = Math.ceil(m / (4 * rw));
  if (g > d.maxPerDim) throw new GpuLimitError('maxComputeWorkgroupsPerDimension', d.maxPerDim, g, `${op} ${m}×${m}`);
  for (let b0 = 0; b0 < batch; b0 += d.maxPerDim)
    d.run(op, SHIFTED, constants, { m, batch0: b0, alpha, shift }, [a, b, out], [g, g, Math.min(d.maxPerDim, batch - b0)]);
}
