/** Dropout keep-masks from the counter-based generator shared with the CPU reference (`cpu/random.ts`). */
import type { Buf } from '../../backend';
import { NO_CONSTANTS, WG, type Dispatcher } from '../dispatcher';
import { kernel, shader } from '../shader';
import { uniforms } from '../uniforms';
import dropoutWgsl from './dropout.wgsl?raw';
import randomWgsl from './random.wgsl?raw';

const dropoutShader = shader('dropout', uniforms({ n: 'u32', seed: 'u32', offset: 'u32', p: 'f32', scale: 'f32' }), dropoutWgsl, [
  randomWgsl,
]);
const DROPOUT_MASK = kernel(dropoutShader, 'dropout_mask', 'w');
const DROPOUT_APPLY = kernel(dropoutShader, 'dropout_apply', 'rww');

/** mask as `dropoutMask` draws it, and y = x ⊙ mask, in one dispatch. */
export function dropoutApply(d: Dispatcher, x: Buf, y: Buf, mask: Buf, seed: number, offset: number, p: number, scale: number): void {
  if (!(p >= 0 && p < 1)) throw new Error(`dropoutApply: p = ${p} must be in [0, 1)`);
  const n = mask.size;
  for (const b of [x, y]) d.need('dropoutApply', b, n);
  const values = { n, seed: seed >>> 0, offset: offset >>> 0, p, scale };
  d.run('dropoutApply', DROPOUT_APPLY, NO_CONSTANTS, values, [x, y, mask], d.grid1(Math.ceil(n / WG), 'dropoutApply'));
}

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
