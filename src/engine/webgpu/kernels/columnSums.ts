/** Column sums of a [rows, cols] matrix in one dispatch (columnSums.wgsl): a Linear's bias gradient. */
import type { Buf } from '../../backend';
import { NO_CONSTANTS, type Dispatcher } from '../dispatcher';
import { kernel, shader } from '../shader';
import { uniforms } from '../uniforms';
import columnSumsWgsl from './columnSums.wgsl?raw';

const columnSumsShader = shader('columnSums', uniforms({ rows: 'u32', cols: 'u32', acc: 'u32' }), columnSumsWgsl);
const COLUMN_SUMS = kernel(columnSumsShader, 'column_sums', 'rw');

/** Columns per workgroup (the shader's C). */
const C = 16;

export function columnSums(d: Dispatcher, x: Buf, out: Buf, rows: number, cols: number, accumulate: boolean): void {
  const op = 'columnSums';
  d.need(op, x, rows * cols);
  d.need(op, out, cols);
  d.run(op, COLUMN_SUMS, NO_CONSTANTS, { rows, cols, acc: accumulate ? 1 : 0 }, [x, out], d.grid1(Math.ceil(cols / C), op));
}
