/** Row softmax and its backward, and the fused log-softmax + negative log-likelihood. */
import type { Buf } from '../../backend';
import { NO_CONSTANTS, rowConstants, type Dispatcher } from '../dispatcher';
import { kernel, shader } from '../shader';
import { uniforms } from '../uniforms';
import crossEntropyWgsl from './crossEntropy.wgsl?raw';
import softmaxWgsl from './softmax.wgsl?raw';
import specialWgsl from './special.wgsl?raw';
import workgroupReduceWgsl from './workgroupReduce.wgsl?raw';

const softmaxShader = shader('softmax', uniforms({ rows: 'u32', cols: 'u32', acc: 'u32' }), softmaxWgsl, [
  specialWgsl,
  workgroupReduceWgsl,
]);
const SOFTMAX = kernel(softmaxShader, 'softmax', 'rw');
const SOFTMAX_BACKWARD = kernel(softmaxShader, 'softmax_backward', 'rrw');
const SOFTMAX_SERIAL = kernel(softmaxShader, 'softmax_serial', 'rw');
const SOFTMAX_BACKWARD_SERIAL = kernel(softmaxShader, 'softmax_backward_serial', 'rrw');

const crossEntropyShader = shader('crossEntropy', uniforms({ rows: 'u32', classes: 'u32', gradScale: 'f32' }), crossEntropyWgsl, [
  specialWgsl,
  workgroupReduceWgsl,
]);
const CE_LOSS = kernel(crossEntropyShader, 'ce_loss', 'rrw');
const CE_GRAD = kernel(crossEntropyShader, 'ce_grad', 'rrww');

/** Serial row kernels: one invocation per row, 64 rows per workgroup. */
const SERIAL_ROWS = 64;

export function softmax(d: Dispatcher, x: Buf, out: Buf, rows: number, cols: number): void {
  d.need('softmax', x, rows * cols);
  d.need('softmax', out, rows * cols);
  const values = { rows, cols, acc: 0 };
  if (d.serialRows) d.run('softmax', SOFTMAX_SERIAL, NO_CONSTANTS, values, [x, out], d.grid1(Math.ceil(rows / SERIAL_ROWS), 'softmax'));
  else d.run('softmax', SOFTMAX, rowConstants(cols), values, [x, out], d.grid1(rows, 'softmax'));
}

export function softmaxBackward(d: Dispatcher, y: Buf, dy: Buf, dx: Buf, rows: number, cols: number, accumulate: boolean): void {
  const op = 'softmaxBackward';
  d.need(op, y, rows * cols);
  d.need(op, dy, rows * cols);
  d.need(op, dx, rows * cols);
  const values = { rows, cols, acc: accumulate ? 1 : 0 };
  if (d.serialRows) d.run(op, SOFTMAX_BACKWARD_SERIAL, NO_CONSTANTS, values, [y, dy, dx], d.grid1(Math.ceil(rows / SERIAL_ROWS), op));
  else d.run(op, SOFTMAX_BACKWARD, rowConstants(cols), values, [y, dy, dx], d.grid1(rows, op));
}

export function crossEntropy(
  d: Dispatcher,
  logits: Buf,
  labels: Buf,
  lossRows: Buf,
  dlogits: Buf | null,
  rows: number,
  classes: number,
  gradScale: number,
): void {
  const op = 'crossEntropy';
  d.need(op, logits, rows * classes);
  d.need(op, labels, rows, 'i32');
  d.need(op, lossRows, rows);
  const values = { rows, classes, gradScale };
  const c = rowConstants(classes);
  if (dlogits) {
    d.need(op, dlogits, rows * classes);
    d.run(op, CE_GRAD, c, values, [logits, labels, lossRows, dlogits], d.grid1(rows, op));
  } else {
    d.run(op, CE_LOSS, c, values, [logits, labels, lossRows], d.grid1(rows, op));
  }
}
