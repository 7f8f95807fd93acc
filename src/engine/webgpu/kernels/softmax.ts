/** Row softmax and its backward, and the fused log-softmax + negative log-likelihood. */
import type { Buf } from '../../backend';
import { NO_CONSTANTS, rowConstants, type Dispatcher } from '../dispatcher';
import { kernel, shader } from '../shader';
import { uniforms } from '../uniforms';
import crossEntropyWgsl from './crossEntropy.wgsl?raw';
import softmaxWgsl from './softmax.wgsl?raw';
import specialWgsl from './special.wgsl?raw';
import subgroupReduceWgsl from './subgroupReduce.wgsl?raw';
import workgroupReduceWgsl from './workgroupReduce.wgsl?raw';

const softmaxLayout = uniforms({ rows: 'u32', cols: 'u32', acc: 'u32' });
const softmaxShader = shader('softmax', softmaxLayout, softmaxWgsl, [specialWgsl, workgroupReduceWgsl]);
const SOFTMAX = kernel(softmaxShader, 'softmax', 'rw');
const SOFTMAX_BACKWARD = kernel(softmaxShader, 'softmax_backward', 'rrw');
const SOFTMAX_SERIAL = kernel(softmaxShader, 'softmax_serial', 'rw');
const SOFTMAX_BACKWARD_SERIAL = kernel(softmaxShader, 'softmax_backward_serial', 'rrw');
/** The same kernels with the workgroup sums and maxima through subgroups (docs/kernels.md "Subgroups"). */
const softmaxSubgroupShader = shader('softmaxSubgroup', softmaxLayout, softmaxWgsl, [specialWgsl, subgroupReduceWgsl], ['subgroups']);
const SOFTMAX_SUBGROUP = kernel(softmaxSubgroupShader, 'softmax', 'rw');
const SOFTMAX_BACKWARD_SUBGROUP = kernel(softmaxSubgroupShader, 'softmax_backward', 'rrw');

const ceLayout = uniforms({ rows: 'u32', classes: 'u32', gradScale: 'f32' });
const crossEntropyShader = shader('crossEntropy', ceLayout, crossEntropyWgsl, [specialWgsl, workgroupReduceWgsl]);
const CE_LOSS = kernel(crossEntropyShader, 'ce_loss', 'rrw');
const CE_GRAD = kernel(crossEntropyShader, 'ce_grad', 'rrww');
const ceSubgroupShader = shader('crossEntropySubgroup', ceLayout, crossEntropyWgsl, [specialWgsl, subgroupReduceWgsl], ['subgroups']);
const CE_LOSS_SUBGROUP = kernel(ceSubgroupShader, 'ce_loss', 'rrw');
const CE_GRAD_SUBGROUP = kernel(ceSubgroupShader, 'ce_grad', 'rrww');

/** Serial row kernels: one invocation per row, 64 rows per workgroup. */
const SERIAL_ROWS = 64;

export function softmax(d: Dispatcher, x: Buf, out: Buf, rows: number, cols: number): void {
  d.need('softmax', x, rows * cols);
  d.need('softmax', out, rows * cols);
  const values = { rows, cols, acc: 0 };
  if (d.serialRows) d.run('softmax', SOFTMAX_SERIAL, NO_CONSTANTS, values, [x, out], d.grid1(Math.ceil(rows / SERIAL_ROWS), 'softmax'));
  else d.run('softmax', d.subgroups ? SOFTMAX_SUBGROUP : SOFTMAX, rowConstants(cols), values, [x, out], d.grid1(rows, 'softmax'));
}

export function softmaxBackward(d: Dispatcher, y: Buf, dy: Buf, dx: Buf, rows: number, cols: number, accumulate: boolean): void {
  const op = 'softmaxBackward';
  d.need(op, y, rows * cols);
  d.need(op, dy, rows * cols);
  d.need(op, dx, rows * cols);
  const values = { rows, cols, acc: accumulate ? 1 : 0 };
  if (d.serialRows) d.run(op, SOFTMAX_BACKWARD_SERIAL, NO_CONSTANTS, values, [y, dy, dx], d.grid1(Math.ceil(rows / SERIAL_ROWS), op));
  else d.run(op, d.subgroups ? SOFTMAX_BACKWARD_SUBGROUP : SOFTMAX_BACKWARD, rowConstants(cols), values, [y, dy, dx], d.grid1(rows, op));
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
    d.run(op, d.subgroups ? CE_GRAD_SUBGROUP : CE_GRAD, c, values, [logits, labels, lossRows, dlogits], d.grid1(rows, op));
  } else {
    d.run(op, d.subgroups ? CE_LOSS_SUBGROUP : CE_LOSS, c, values, [logits, labels, lossRows], d.grid1(rows, op));
  }
}
