/** Batched matrix products: three kernel versions (naive, reg4, tiled), chosen by `matmulChoice.ts`. */
import type { Buf, MatmulParams } from '../../backend';
import { NO_CONSTANTS, type Dispatcher } from '../dispatcher';
import { GpuLimitError } from '../errors';
import type { MatmulKernel } from '../matmulChoice';
import { kernel, shader } from '../shader';
import { uniforms } from '../uniforms';
import matmulWgsl from './matmul.wgsl?raw';

const matmulShader = shader(
  'matmul',
  uniforms({
    m: 'u32',
    n: 'u32',
    k: 'u32',
    batch0: 'u32',
    ai: 'u32',
    ak: 'u32',
    bk: 'u32',
    bj: 'u32',
    strideA: 'u32',
    strideB: 'u32',
    alpha: 'f32',
    acc: 'u32',
  }),
  matmulWgsl,
);
const KERNELS = {
  naive: kernel(matmulShader, 'matmul_naive', 'rrw'),
  reg4: kernel(matmulShader, 'matmul_reg4', 'rrw'),
  tiled: kernel(matmulShader, 'matmul_tiled', 'rrw'),
} as const satisfies Record<MatmulKernel, unknown>;

/** The reg4 kernel's override constants per workgroup side, built once. */
const reg4Constants = new Map<number, { RW: number }>();

/** Sides of the reg4 kernel's square workgroup that the tuner may try (RW² ≤ 256 invocations). */
export const REG4_SIDES = [4, 8, 16] as const;

/**
 * The matrix product with a named kernel version (the benchmark, the tuner and tests call each
 * one); `rw` overrides the reg4 workgroup side (the adapter's default otherwise).
 */
export function matmulWith(d: Dispatcher, version: MatmulKernel, a: Buf, b: Buf, out: Buf, p: MatmulParams, rw = d.reg4Workgroup): void {
  const name = `matmul ${version}`;
  if (!(version in KERNELS)) throw new Error(`matmul: kernel ${String(version)} is not one of ${Object.keys(KERNELS).join(', ')}`);
  const { batch, m, n, k } = p;
  for (const [key, v] of Object.entries({ batch, m, n, k }))
    if (!Number.isInteger(v) || v < 1) throw new Error(`matmul: ${key} = ${v} must be a positive integer`);
  d.need(name, a, (batch - 1) * p.strideA + m * k);
  d.need(name, b, (batch - 1) * p.strideB + k * n);
  d.need(name, out, batch * m * n);
  const [ai, ak] = p.transA ? [1, m] : [k, 1];
  const [bk, bj] = p.transB ? [1, k] : [n, 1];
  if (version === 'reg4' && !(REG4_SIDES as readonly number[]).includes(rw))
    throw new Error(`matmul: reg4 workgroup side ${rw} is not one of ${REG4_SIDES.join(', ')}`);
  const per = version === 'naive' ? 16 : version === 'reg4' ? 4 * rw : 64;
  const gx = Math.ceil(n / per);
  const gy = Math.ceil(m / per);
  if (gx > d.maxPerDim || gy > d.maxPerDim)
    throw new GpuLimitError('maxComputeWorkgroupsPerDimension', d.maxPerDim, Math.max(gx, gy), `${name} ${m}×${k}·${k}×${n}`);
  const def = KERNELS[version];
  let constants = NO_CONSTANTS;
  if (version === 'reg4') {
    let c = reg4Constants.get(rw);
    if (!c) {
      c = { RW: rw };
      reg4Constants.set(rw, c);
    }
    constants = c;
  }
  // More products than a grid dimension holds: dispatch them in slices (batch0 = first index).
  for (let b0 = 0; b0 < batch; b0 += d.maxPerDim) {
    const nb = Math.min(d.maxPerDim, batch - b0);
    const values = {
      m,
      n,
      k,
      batch0: b0,
      ai,
      ak,
      bk,
      bj,
      strideA: p.strideA,
      strideB: p.strideB,
      alpha: p.alpha,
      acc: p.accumulate ? 1 : 0,
    };
    d.run(name, def, constants, values, [a, b, out], [gx, gy, nb]);
  }
}
