/**
 * Checking a matrix-product kernel against the CPU reference on the shape it will run, cheaply:
 * above a flop budget only the first rows of each product are computed on the CPU (the
 * reference in plain TypeScript would take minutes on a paper-size product) and compared with
 * the same rows of the GPU result. Shared by the tuner and `npm run bench:kernels`.
 */
import type { MatmulParams } from '../../backend';
import { CpuBackend } from '../../cpu/backend';
import type { Tolerance } from '../../testing/tolerance';

/** Above this many flops, the CPU check covers only the first rows of each product. */
export const CPU_CHECK_FLOPS = 2e9;

/** The tolerance of an fp32 product with `k` terms (the kernels sum in different orders). */
export function matmulTolerance(k: number): Tolerance {
  return { abs: 2e-6 * k, rel: 1e-5 };
}

/** Elements of A and B that `p` reads. */
export function matmulSizes(p: MatmulParams): { a: number; b: number; out: number } {
  return { a: (p.batch - 1) * p.strideA + p.m * p.k, b: (p.batch - 1) * p.strideB + p.k * p.n, out: p.batch * p.m * p.n };
}

/** How many output rows of each product the CPU checks. */
export function checkedRows(p: MatmulParams, budget = CPU_CHECK_FLOPS): number {
  return 2 * p.batch * p.m * p.n * p.k > budget ? Math.min(p.m, 32) : p.m;
}

/** The same product restricted to the first `rows` rows of op(A) in every batch entry. */
export function firstRows(p: MatmulParams, a: Float32Array, rows: number): { sub: MatmulParams; subA: Float32Array } {
  if (rows === p.m) return { sub: p, subA: a };
  const subA = new Float32Array(p.batch * rows * p.k);
  for (let t = 0; t < p.batch; t++)
    for (let i = 0; i < rows; i++)
      for (let l = 0; l < p.k; l++)
        subA[(t * rows + i) * p.k + l] = p.transA ? a[t * p.strideA + l * p.m + i] : a[t * p.strideA + i * p.k + l];
  return { sub: { ...p, m: rows, transA: false, strideA: rows * p.k }, subA };
}

/** The first `rows` rows of every m×n output of `out`. */
export function pickRows(out: ArrayLike<number>, p: MatmulParams, rows: number): Float32Array {
  const r = new Float32Array(p.batch * rows * p.n);
  for (let t = 0; t < p.batch; t++) for (let i = 0; i < rows * p.n; i++) r[t * rows * p.n + i] = out[t * p.m * p.n + i];
  return r;
}

/** The CPU reference's first `rows` rows of every product of `p` (alpha 1, no accumulation). */
export function referenceRows(p: MatmulParams, a: Float32Array, b: Float32Array, rows: number): Float32Array {
  const cpu = new CpuBackend('f32');
  const { sub, subA } = firstRows(p, a, rows);
  const ca = cpu.alloc(subA.length, 'f32', 'scratch', 'a');
  const cb = cpu.alloc(b.length, 'f32', 'scratch', 'b');
  const co = cpu.alloc(p.batch * rows * p.n, 'f32', 'scratch', 'out');
  cpu.write(ca, subA);
  cpu.write(cb, b);
  cpu.matmul(ca, cb, co, { ...sub, alpha: 1, accumulate: false });
  const expected = Float32Array.from(cpu.readSync(co));
  for (const x of [ca, cb, co]) cpu.free(x);
  return expected;
}
