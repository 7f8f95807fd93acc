/** Dropout keep-masks from the counter-based generator shared with the CPU reference (`cpu/random.ts`). */
import type { Buf } from '../../backend';
import { NO_CONSTANTS, WG, type Dispatcher } from '../dispatcher';
import { kernel, shader } from '../shader';
import { uniforms } from '../uniforms';
import dropoutWgsl from './dropout.wgsl?raw';
import randomWgsl from './random.wgsl?raw';

const DROPOUT_MASK = kernel(
  shader('dropout', uniforms({ n: 'u32', seed: 'u32', offset: 'u32', p: 'f32', scale: 'f32' }), dropoutWgsl, [randomWgsl]),
  'dropout_mask',
  'w',
);

export function dropoutMask(d: Dispatcher, out: Buf, seed: number, offset: number, p: number, scale: number): void {
  if (!(p >= 0 && p < 1)) throw new Error(`dropoutMask: p = ${p} must be in [0, 1)`);
  const n = out.size;
  d.need('dropoutMask', out, n);
  d.run(
    'dropoutMask',
    DROPOUT_MASK,
    NO_CONSTANTS,
    { n, seed: seed >>> 0, offset: offset >>> 0, p, scale },
    [out],
    d.grid1(Math.ceil(n / WG), 'dropoutMask'),
  );
}
