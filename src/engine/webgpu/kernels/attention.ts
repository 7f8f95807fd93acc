/**
 * Fused attention (FlashAttention-2 style) and its backward: attention.wgsl, the same maths as
 * the CPU reference (src/engine/cpu/attention.ts). Each kernel runs one invocation per
 * (row, problem, chunk of 32 columns), in workgroups of 64 rows.
 */
import type { AttentionGradTargets, AttentionParams, Buf } from '../../backend';
import { GpuLimitError } from '../errors';
import { NO_CONSTANTS, type Dispatcher } from '../dispatcher';
import { kernel, shader } from '../shader';
import { uniforms } from '../uniforms';
import attentionWgsl from './attention.wgsl?raw';

const attentionShader = shader(
  'attention',
  uniforms({
    batch: 'u32',
    heads: 'u32',
    nq: 'u32',
    nk: 'u32',
    dk: 'u32',
    dv: 'u32',
    scale: 'f32',
    has_bias: 'u32',
  }),
  attentionWgsl,
);
const FORWARD = kernel(attentionShader, 'attention_forward', 'rrrrww');
const DQ = kernel(attentionShader, 'attention_dq', 'rrrrrrrw');
const DK = kernel(attentionShader, 'attention_dk', 'rrrrrrrw');
const DV = kernel(attentionShader, 'attention_dv', 'rrrrrrrw');

/** Rows per workgroup and columns per invocation (WG and CH in attention.wgsl). */
const ROWS = 64;
const COLUMNS = 32;

function grid(d: Dispatcher, op: string, rows: number, batch: number, cols: number): [number, number, number] {
  const g: [number, number, number] = [Math.ceil(rows / ROWS), batch, Math.ceil(cols / COLUMNS)];
  for (const n of g) if (n > d.maxPerDim) throw new GpuLimitError('maxComputeWorkgroupsPerDimension', d.maxPerDim, n, `${op}: grid [${g}]`);
  return g;
}

function check(d: Dispatcher, op: string, q: Buf, k: Buf, v: Buf, bias: Buf | null, p: AttentionParams): void {
  for (const [name, x] of Object.entries({ batch: p.batch, heads: p.heads, nq: p.nq, nk: p.nk, dk: p.dk, dv: p.dv }))
    if (!Number.isInteger(x) || x < 1) throw new Error(`${op}: ${name} = ${x} must be a positive integer`);
  if (p.batch % p.heads !== 0) throw new Error(`${op}: batch = ${p.batch} must be a multiple of heads = ${p.heads}`);
  d.need(op, q, p.batch * p.nq * p.dk);
  d.need(op, k, p.batch * p.nk * p.dk);
  d.need(op, v, p.batch * p.nk * p.dv);
  if (bias) d.need(op, bias, (p.batch / p.heads) * p.nk);
}

function values(p: AttentionParams, bias: Buf | null) {
  return { batch: p.batch, heads: p.heads, nq: p.nq, nk: p.nk, dk: p.dk, dv: p.dv, scale: p.scale, has_bias: bias ? 1 : 0 };
}

export function attention(d: Dispatcher, q: Buf, k: Buf, v: Buf, bias: Buf | null, out: Buf, lse: Buf, p: AttentionParams): void {
  const op = 'attention';
  check(d, op, q, k, v, bias, p);
  d.need(op, out, p.batch * p.nq * p.dv);
  d.need(op, lse, p.batch * p.nq);
  // Without a bias, q stands in for the binding (never read: has_bias = 0).
  d.run(op, FORWARD, NO_CONSTANTS, values(p, bias), [q, k, v, bias ?? q, out, lse], grid(d, op, p.nq, p.batch, p.dv));
}

export function attentionBackward(
  d: Dispatcher,
  q: Buf,
  k: Buf,
  v: Buf,
  bias: Buf | null,
  out: Buf,
  lse: Buf,
  dout: Buf,
  g: AttentionGradTargets,
  p: AttentionParams,
): void {
  const op = 'attentionBackward';
  check(d, op, q, k, v, bias, p);
  d.need(op, out, p.batch * p.nq * p.dv);
  d.need(op, dout, p.batch * p.nq * p.dv);
  d.need(op, lse, p.batch * p.nq);
  const inputs = [q, k, v, bias ?? q, out, lse, dout];
  const base = values(p, bias);
  if (g.dq) {
    d.need(op, g.dq, p.batch * p.nq * p.dk);
    d.run(op, DQ, NO_CONSTANTS, base, [...inputs, g.dq], grid(d, op, p.nq, p.batch, p.dk));
  }
  if (g.dk) {
    d.need(op, g.dk, p.batch * p.nk * p.dk);
    d.run(op, DK, NO_CONSTANTS, base, [...inputs, g.dk], grid(d, op, p.nk, p.batch, p.dk));
  }
  if (g.dv) {
    d.need(op, g.dv, p.batch * p.nk * p.dv);
    d.run(op, DV, NO_CONSTANTS, base, [...inputs, g.dv], grid(d, op, p.nk, p.batch, p.dv));
  }
}
