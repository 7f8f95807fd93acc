/** Copy and fill: constant fills, scaled identities and the general strided copy. */
import type { Buf, Dims4 } from '../../backend';
import { NO_CONSTANTS, WG, span, type Dispatcher } from '../dispatcher';
import type { PoolEntry } from '../pool';
import { kernel, shader } from '../shader';
import { uniforms } from '../uniforms';
import fillWgsl from './fill.wgsl?raw';
import eyeWgsl from './eye.wgsl?raw';
import copyStridedWgsl from './copyStrided.wgsl?raw';

const FILL = kernel(shader('fill', uniforms({ n: 'u32', bits: 'u32' }), fillWgsl), 'fill', 'w');
const EYE = kernel(shader('eye', uniforms({ n: 'u32', m: 'u32', scale: 'f32' }), eyeWgsl), 'eye', 'w');
const COPY_STRIDED = kernel(
  shader(
    'copyStrided',
    uniforms({
      total: 'u32',
      s1: 'u32',
      s2: 'u32',
      s3: 'u32',
      a0: 'u32',
      a1: 'u32',
      a2: 'u32',
      a3: 'u32',
      d0: 'u32',
      d1: 'u32',
      d2: 'u32',
      d3: 'u32',
      soff: 'u32',
      doff: 'u32',
      alpha: 'f32',
      acc: 'u32',
    }),
    copyStridedWgsl,
  ),
  'copy_strided',
  'rw',
);

/** f32 bits of `value` (no allocation: one shared scratch word). */
const bitsScratch = new DataView(new ArrayBuffer(4));

/** Fill the first `n` elements of `out` with the 32-bit pattern `bits`. */
export function fillBits(d: Dispatcher, out: Buf, bits: number, n: number): void {
  // Zeros (gradients before a step, fresh accumulators) need no kernel.
  if (bits === 0) {
    d.live();
    const e = d.pool.entry(out, 'fill');
    d.recorder.clear(e.buffer, n * 4, e.offset);
    return;
  }
  d.run('fill', FILL, NO_CONSTANTS, { n, bits: bits >>> 0 }, [out], d.grid1(Math.ceil(n / WG), 'fill'));
}

/** Zero the first `n` elements of a scratch entry with a fill dispatch (stays inside the compute pass, unlike a clear). */
export function fillZeros(d: Dispatcher, op: string, out: PoolEntry, n: number): void {
  d.run(op, FILL, NO_CONSTANTS, { n, bits: 0 }, [out], d.grid1(Math.ceil(n / WG), op));
}

export function fill(d: Dispatcher, out: Buf, value: number): void {
  d.pool.entry(out, 'fill');
  let bits: number;
  if (out.dtype === 'i32') {
    if (!Number.isInteger(value)) throw new Error(`fill: buffer "${out.label}" is i32 but the value is ${value}`);
    bits = value | 0;
  } else {
    bitsScratch.setFloat32(0, value, true);
    bits = bitsScratch.getUint32(0, true);
  }
  fillBits(d, out, bits, out.size);
}

export function eye(d: Dispatcher, out: Buf, batch: number, m: number, scale: number): void {
  const n = batch * m * m;
  d.need('eye', out, n);
  d.run('eye', EYE, NO_CONSTANTS, { n, m, scale }, [out], d.grid1(Math.ceil(n / WG), 'eye'));
}

export function copyStrided(
  d: Dispatcher,
  src: Buf,
  dst: Buf,
  shape: Dims4,
  srcStrides: Dims4,
  srcOffset: number,
  dstStrides: Dims4,
  dstOffset: number,
  alpha: number,
  accumulate: boolean,
): void {
  const op = 'copyStrided';
  if (src.dtype !== dst.dtype) throw new Error(`${op}: "${src.label}" is ${src.dtype} but "${dst.label}" is ${dst.dtype}`);
  const total = shape[0] * shape[1] * shape[2] * shape[3];
  if (total === 0) return;
  if (span(shape, srcStrides, srcOffset) > src.size)
    throw new Error(
      `${op}: source "${src.label}" (${src.size} elements) is too small for shape [${shape}] strides [${srcStrides}] offset ${srcOffset}`,
    );
  if (span(shape, dstStrides, dstOffset) > dst.size)
    throw new Error(
      `${op}: destination "${dst.label}" (${dst.size} elements) is too small for shape [${shape}] strides [${dstStrides}] offset ${dstOffset}`,
    );
  const floatMath = alpha !== 1 || accumulate;
  if (floatMath && src.dtype === 'i32')
    throw new Error(
      `${op}: i32 buffers are copied bit for bit only (alpha = 1, no accumulate); got alpha ${alpha}, accumulate ${accumulate}`,
    );
  const [a0, a1, a2, a3] = srcStrides;
  const [d0, d1, d2, d3] = dstStrides;
  const values = {
    total,
    s1: shape[1],
    s2: shape[2],
    s3: shape[3],
    a0,
    a1,
    a2,
    a3,
    d0,
    d1,
    d2,
    d3,
    soff: srcOffset,
    doff: dstOffset,
    alpha,
    acc: accumulate ? 1 : 0,
  };
  d.run(op, COPY_STRIDED, { FLOAT_MATH: floatMath ? 1 : 0 }, values, [src, dst], d.grid1(Math.ceil(total / WG), op));
}
