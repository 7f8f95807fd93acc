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

/**
 * A row layout chosen for this adapter (autotune/rowTuner.ts), or undefined for the backend's
 * rule: serial rows on a software adapter, else one workgroup per row sized to the row, through
 * subgroups where they passed the check.
 */
export interface RowLayout {
  layout: 'serial' | 'tree' | 'subgroups';
  wg: number;
}

/** The layout a softmax dispatch uses: `cfg`, or the rule. */
function layoutOf(
  d: Dispatcher,
  cols: number,
  cfg: RowLayout | undefined,
): { serial: boolean; subgroups: boolean; constants: Record<string, number> } {
  if (!cfg) return { serial: d.serialRows, subgroups: d.subgroups, constants: rowConstants(cols) };
  if (cfg.layout === 'subgroups' && !d.subgroups)
    throw new Error('softmax: the subgroup layout needs a backend created with subgroups: true');
  // rowConstants(w) is { WG: w } for a power of two w in [32, 256], built once.
  return { serial: cfg.layout === 'serial', subgroups: cfg.layout === 'subgroups', constants: rowConstants(cfg.wg) };
}

export function softmax(d: Dispatcher, x: Buf, out: Buf, rows: number, cols: number, cfg?: RowLayout): void {
  d.need('softmax', x, rows * cols);
  d.need('softmax', out, rows * cols);
  const values = { rows, cols, acc: 0 };
  const l = layoutOf(d, cols, cfg);
  if (l.serial) d.run('softmax', SOFTMAX_SERIAL, NO_CONSTANTS, values, [x, out], d.grid1(Math.ceil(rows / SERIAL_ROWS), 'softmax'));
  else d.run('softmax', l.subgroups ? SOFTMAX_SUBGROUP : SOFTMAX, l.constants, values, [x, out], d.grid1(rows, 'softmax'));
}

export function softmaxBackward(
  d: Dispatcher,
  y: Buf,
  dy: Buf,
  dx: Buf,
  rows: number,
  cols: number,
  accumulate: boolean,
  cfg?: RowLayout,
): void {
  const op = 'softmaxBackward';
  d.need(op, y, rows * cols);
  d.need(op, dy, rows * cols);
  d.need(op, dx, rows * cols);
  const values = { rows, cols, acc: accumulate ? 1 : 0 };
  const l = layoutOf(d, cols, cfg);
  if (l.serial) d.run(op, SOFTMAX_BACKWARD_SERIAL, NO_CONSTANTS, values, [y, dy, dx], d.grid1(Math.ceil(rows / SERIAL_ROWS), op));
  else d.run(op, l.subgroups ? SOFTMAX_BACKWARD_SUBGROUP : SOFTMAX_BACKWARD, l.constants, values, [y, dy, dx], d.grid1(rows, op));
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
