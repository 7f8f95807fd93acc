/** The optimizer's kernels: global gradient norm, clip coefficient, AdamW and the finiteness check. */
import { GROUP_ALIGN, type AdamWParams, type Buf } from '../../backend';
import { NO_CONSTANTS, WG, chunking, type Dispatcher } from '../dispatcher';
import { kernel, shader } from '../shader';
import { uniforms } from '../uniforms';
import { sumRow } from './reduce';
import optimizerWgsl from './optimizer.wgsl?raw';
import workgroupReduceWgsl from './workgroupReduce.wgsl?raw';

/** One struct for all the optimizer kernels; each reads its own fields, the rest keep these defaults. */
const optimizerShader = shader(
  'optimizer',
  uniforms(
    {
      n: 'u32',
      acc: 'u32',
      maxNorm: 'f32',
      marker: 'u32',
      lr: 'f32',
      beta1: 'f32',
      beta2: 'f32',
      eps: 'f32',
      wd: 'f32',
      bc1: 'f32',
      bc2: 'f32',
      chunk: 'u32',
    },
    { n: 0, acc: 0, maxNorm: 0, marker: 0, lr: 0, beta1: 0, beta2: 0, eps: 0, wd: 0, bc1: 1, bc2: 1, chunk: 0 },
  ),
  optimizerWgsl,
  [workgroupReduceWgsl],
);
const SUM_SQUARES = kernel(optimizerShader, 'sum_squares', 'rw');
const SUM_SQUARES_PARTIAL = kernel(optimizerShader, 'sum_squares_partial', 'rw');
const CLIP_COEFFICIENT = kernel(optimizerShader, 'clip_coefficient', 'rw');
const ADAMW = kernel(optimizerShader, 'adamw', 'wrww');
const ADAMW_SCALED = kernel(optimizerShader, 'adamw_scaled', 'wrwwr');
const ADAMW_BLOCKS = kernel(optimizerShader, 'adamw_blocks', 'wrwwr');
const ADAMW_SCALED_BLOCKS = kernel(optimizerShader, 'adamw_scaled_blocks', 'wrwwrr');
const CHECK_FINITE = kernel(optimizerShader, 'check_finite', 'rw');

export function sumSquares(d: Dispatcher, x: Buf, out: Buf, accumulate: boolean): void {
  const op = 'sumSquares';
  d.need(op, out, 1);
  d.need(op, x, x.size);
  const n = x.size;
  if (n < 65536) {
    d.run(op, SUM_SQUARES, NO_CONSTANTS, { n, acc: accumulate ? 1 : 0 }, [x, out], [1, 1, 1]);
    return;
  }
  // Long tensors: chunk partials over many workgroups, then one ordered sum into out[0].
  const { chunk, chunks } = chunking(n, 1, 4096);
  const part = d.partials(chunks);
  d.run(op, SUM_SQUARES_PARTIAL, NO_CONSTANTS, { n, chunk }, [x, part], d.grid1(chunks, op));
  sumRow(d, op, part, out, chunks, accumulate);
}

export function clipCoefficient(d: Dispatcher, sumSq: Buf, out: Buf, maxNorm: number): void {
  d.need('clipCoefficient', sumSq, 1);
  d.need('clipCoefficient', out, 1);
  d.run('clipCoefficient', CLIP_COEFFICIENT, NO_CONSTANTS, { maxNorm }, [sumSq, out], [1, 1, 1]);
}

export function adamw(
  d: Dispatcher,
  param: Buf,
  grad: Buf,
  m: Buf,
  v: Buf,
  gradScale: Buf | null,
  p: AdamWParams,
  decayBlocks: Buf | null = null,
): void {
  const op = `adamw "${param.label}"`;
  const n = param.size;
  if (!Number.isInteger(p.step) || p.step < 1) throw new Error(`${op}: step ${p.step} must be a positive integer (1-based)`);
  for (const b of [grad, m, v]) d.need(op, b, n);
  const values = {
    n,
    lr: p.lr,
    beta1: p.beta1,
    beta2: p.beta2,
    eps: p.eps,
    wd: p.weightDecay,
    bc1: 1 - p.beta1 ** p.step,
    bc2: 1 - p.beta2 ** p.step,
  };
  const grid = d.grid1(Math.ceil(n / WG), op);
  if (decayBlocks) {
    d.need(op, decayBlocks, Math.ceil(n / GROUP_ALIGN));
    if (gradScale) {
      d.need(op, gradScale, 1);
      d.run(op, ADAMW_SCALED_BLOCKS, NO_CONSTANTS, values, [param, grad, m, v, gradScale, decayBlocks], grid);
    } else d.run(op, ADAMW_BLOCKS, NO_CONSTANTS, values, [param, grad, m, v, decayBlocks], grid);
    return;
  }
  if (gradScale) {
    d.need(op, gradScale, 1);
    d.run(op, ADAMW_SCALED, NO_CONSTANTS, values, [param, grad, m, v, gradScale], grid);
  } else {
    d.run(op, ADAMW, NO_CONSTANTS, values, [param, grad, m, v], grid);
  }
}

export function checkFinite(d: Dispatcher, x: Buf, out: Buf): void {
  d.need('checkFinite', out, 1, out.dtype);
  const marker = out.dtype === 'i32' ? 1 : 0x3f800000; // 1 as i32, or the bits of 1.0f
  d.run('checkFinite', CHECK_FINITE, NO_CONSTANTS, { n: x.size, marker }, [x, out], d.grid1(Math.ceil(x.size / WG), 'checkFinite'));
}
