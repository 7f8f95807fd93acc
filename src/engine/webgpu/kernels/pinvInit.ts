/** The pseudo-inverse's initialisation Z0 = Aᵀ / max column sum and its backward (pinvInit.wgsl): one workgroup per matrix. */
import type { Buf } from '../../backend';
import { NO_CONSTANTS, type Dispatcher } from '../dispatcher';
import { kernel, shader } from '../shader';
import { uniforms } from '../uniforms';
import pinvInitWgsl from './pinvInit.wgsl?raw';

const pinvInitShader = shader('pinvInit', uniforms({ batch: 'u32', m: 'u32', acc: 'u32' }, { acc: 0 }), pinvInitWgsl);
const FORWARD = kernel(pinvInitShader, 'pinv_init', 'rww');
const FORWARD_DROPPED = kernel(pinvInitShader, 'pinv_init_dropped', 'rwwr');
const BACKWARD = kernel(pinvInitShader, 'pinv_init_backward', 'rrrrw');

export function pinvInit(d: Dispatcher, a: Buf, dropped: Buf | null, z: Buf, aux: Buf, batch: number, m: number): void {
  const op = 'pinvInit';
  d.need(op, a, batch * m * m);
  d.need(op, z, batch * m * m);
  d.need(op, aux, batch * (m + 2));
  const grid = d.grid1(batch, op);
  if (!dropped) d.run(op, FORWARD, NO_CONSTANTS, { batch, m }, [a, z, aux], grid);
  else {
    d.need(op, dropped, batch);
    d.run(op, FORWARD_DROPPED, NO_CONSTANTS, { batch, m }, [a, z, aux, dropped], grid);
  }
}

export function pinvInitBackward(
  d: Dispatcher,
  a: Buf,
  z: Buf,
  aux: Buf,
  g: Buf,
  da: Buf,
  batch: number,
  m: number,
  accumulate: boolean,
): void {
  const op = 'pinvInitBackward';
  for (const b of [a, z, g, da]) d.need(op, b, batch * m * m);
  d.need(op, aux, batch * (m + 2));
  d.run(op, BACKWARD, NO_CONSTANTS, { batch, m, acc: accumulate ? 1 : 0 }, [a, z, aux, g, da], d.grid1(batch, op));
}
