/**
 * Matrix-product kernel benchmark (a benchmark, not a test): for every matmul kernel version of
 * the WebGPU backend, on the current adapter, first validate against the CPU reference on the
 * same shape (on the first 32 output rows of each product for shapes above 2 GFLOP), then time
 * it (warm-up, median of repeats) and print GFLOP/s.
 *
 *   scripts/run-ts.sh scripts/bench-kernels.ts [--full] [--repeats N] [--json out.json]
 *
 * Time comes from `timestamp-query` (GPU time of the dispatch's own compute pass) when the
 * adapter has it, else from wall time around `queue.onSubmittedWorkDone()` (which includes
 * submission overhead); the output says which. `--full` adds the paper-size shapes (n = 4096);
 * they are on by default on a non-software adapter. Software adapters say nothing about GPU
 * speed: never tune a kernel on their figures.
 */
import { checkFlags } from './bench/flags';
import { writeFileSync } from 'node:fs';
import { nodeGpu } from '../src/engine/webgpu/node';
import { acquireGpu, backendLabel } from '../src/engine/webgpu/device';
import { WebGpuBackend } from '../src/engine/webgpu/backend';
import { MATMUL_KERNELS, chooseMatmulKernel, type MatmulKernel } from '../src/engine/webgpu/matmulChoice';
import { CpuBackend } from '../src/engine/cpu/backend';
import type { Buf, MatmulParams } from '../src/engine/backend';
import { diff, randomArray, seededRandom } from '../src/engine/webgpu/testing/twin';

checkFlags(
  { '--full': 'switch', '--repeats': 'value', '--json': 'value' },
  'usage: npm run bench:kernels -- [--full] [--repeats N] [--json out.json]',
);

interface Shape {
  name: string;
  p: MatmulParams;
}

function mm(batch: number, m: number, n: number, k: number, transB = false, shareB = false, transA = false): MatmulParams {
  return { batch, m, n, k, transA, transB, strideA: m * k, strideB: shareB ? 0 : k * n, alpha: 1, accumulate: false };
}

/** Shapes: squares, and the model's (d = 64, H = 2, d_h = 32, m = 128 landmarks, ffn = 128). */
function shapes(full: boolean): Shape[] {
  const s: Shape[] = [
    { name: 'square 256³', p: mm(1, 256, 256, 256) },
    { name: 'square 512³', p: mm(1, 512, 512, 512) },
    { name: 'Q·K̃ᵀ [B·H=8, n=512, d_h=32]×[32, m=128]', p: mm(8, 512, 128, 32, true) },
    { name: 'kernel·V [B·H=8, n=512, m=128]×[128, d_h=32]', p: mm(8, 512, 32, 128) },
    { name: 'FFN W1 [B·n=2048, d=64]×[64, ffn=128]ᵀ', p: mm(1, 2048, 128, 64, true, true) },
    { name: 'FFN dW1 Xᵀ·dY [2048, d=64]ᵀ×[2048, 128]', p: mm(1, 64, 128, 2048, false, true, true) },
  ];
  if (full)
    s.push(
      { name: 'square 1024³', p: mm(1, 1024, 1024, 1024) },
      { name: 'square 2048³', p: mm(1, 2048, 2048, 2048) },
      { name: 'Q·K̃ᵀ [B·H=64, n=4096, d_h=32]×[32, m=128]', p: mm(64, 4096, 128, 32, true) },
      { name: 'kernel·V [B·H=64, n=4096, m=128]×[128, d_h=32]', p: mm(64, 4096, 32, 128) },
      { name: 'FFN W1 [B·n=131072, d=64]×[64, ffn=128]ᵀ', p: mm(1, 131072, 128, 64, true, true) },
      { name: 'FFN dW1 Xᵀ·dY [131072, d=64]ᵀ×[131072, 128]', p: mm(1, 64, 128, 131072, false, true, true) },
    );
  return s;
}

/** Above this many flops, the CPU check covers only the first rows of each product. */
const CPU_CHECK_FLOPS = 2e9;

/** The same product restricted to the first `rows` rows of op(A) in every batch entry. */
function firstRows(p: MatmulParams, a: Float32Array, rows: number): { sub: MatmulParams; subA: Float32Array } {
  if (rows === p.m) return { sub: p, subA: a };
  const subA = new Float32Array(p.batch * rows * p.k);
  for (let t = 0; t < p.batch; t++)
    for (let i = 0; i < rows; i++)
      for (let l = 0; l < p.k; l++)
        subA[(t * rows + i) * p.k + l] = p.transA ? a[t * p.strideA + l * p.m + i] : a[t * p.strideA + i * p.k + l];
  return { sub: { ...p, m: rows, transA: false, strideA: rows * p.k }, subA };
}

/** The first `rows` rows of every m×n output of `out`. */
function pickRows(out: ArrayLike<number>, p: MatmulParams, rows: number): Float32Array {
  const r = new Float32Array(p.batch * rows * p.n);
  for (let t = 0; t < p.batch; t++) for (let i = 0; i < rows * p.n; i++) r[t * rows * p.n + i] = out[t * p.m * p.n + i];
  return r;
}

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const h = s.length >> 1;
  return s.length % 2 ? s[h] : (s[h - 1] + s[h]) / 2;
}

const ctx = await acquireGpu({ optionalFeatures: ['timestamp-query'], limits: {} }, nodeGpu());
const useTimestamps = ctx.enabledFeatures.has('timestamp-query');
const be = new WebGpuBackend(ctx, { timing: useTimestamps });
const full = process.argv.includes('--full') || !ctx.report.isFallback;
const repeats = Number(arg('--repeats') ?? (ctx.report.isFallback ? 5 : 20));
const adapter = `${backendLabel(ctx.report)} — vendor "${ctx.report.vendor}", device "${ctx.report.device}", "${ctx.report.description}"`;
const method = useTimestamps
  ? 'timestamp-query (GPU time of the dispatch)'
  : 'wall time around queue.onSubmittedWorkDone() (includes submit overhead)';
console.log(`adapter: ${adapter}`);
console.log(`timing:  ${method}; median of ${repeats} after 2 warm-up runs`);
console.log(`rule:    the backend's automatic choice is marked with *`);

interface Row {
  shape: string;
  kernel: MatmulKernel;
  auto: boolean;
  valid: boolean;
  maxAbsError: number;
  medianMs: number | null;
  gflops: number | null;
}
const results: Row[] = [];
const cpu = new CpuBackend('f32');
const rand = seededRandom(7);

async function timeOnce(kernel: MatmulKernel, a: Buf, b: Buf, out: Buf, p: MatmulParams): Promise<number> {
  if (useTimestamps) {
    be.timer.reset();
    be.matmulWith(kernel, a, b, out, p);
    const r = await be.timing();
    if (!r.available) throw new Error(r.reason);
    // Batches beyond the z limit run as several dispatches: their times add up.
    return r.kernels.reduce((s, k) => s + k.totalMs, 0);
  }
  be.flush();
  await ctx.device.queue.onSubmittedWorkDone();
  const t0 = performance.now();
  be.matmulWith(kernel, a, b, out, p);
  be.flush();
  await ctx.device.queue.onSubmittedWorkDone();
  return performance.now() - t0;
}

for (const { name, p } of shapes(full)) {
  const aLen = (p.batch - 1) * p.strideA + p.m * p.k;
  const bLen = (p.batch - 1) * p.strideB + p.k * p.n;
  const aData = randomArray(rand, aLen);
  const bData = randomArray(rand, bLen);
  // CPU reference once per shape. Big shapes are checked on their first `rows` output rows of
  // every product (the CPU reference in plain TypeScript would take minutes on all of them).
  const rows = 2 * p.batch * p.m * p.n * p.k > CPU_CHECK_FLOPS ? Math.min(p.m, 32) : p.m;
  const { sub, subA } = firstRows(p, aData, rows);
  const ca = cpu.alloc(subA.length, 'f32', 'scratch', 'a');
  const cb = cpu.alloc(bLen, 'f32', 'scratch', 'b');
  const co = cpu.alloc(p.batch * rows * p.n, 'f32', 'scratch', 'out');
  cpu.write(ca, subA);
  cpu.write(cb, bData);
  cpu.matmul(ca, cb, co, sub);
  const expected = cpu.readSync(co);
  for (const x of [ca, cb, co]) cpu.free(x);

  const a = be.alloc(aLen, 'f32', 'scratch', 'bench.a');
  const b = be.alloc(bLen, 'f32', 'scratch', 'bench.b');
  const out = be.alloc(p.batch * p.m * p.n, 'f32', 'scratch', 'bench.out');
  be.write(a, aData);
  be.write(b, bData);
  const flops = 2 * p.batch * p.m * p.n * p.k;
  const auto = chooseMatmulKernel(p, ctx.report.isFallback);
  for (const kernel of MATMUL_KERNELS) {
    be.fill(out, 0);
    be.matmulWith(kernel, a, b, out, p);
    const got = pickRows(await be.read(out), p, rows);
    const d = diff(expected, got, { abs: 2e-6 * p.k, rel: 1e-5 });
    const row: Row = { shape: name, kernel, auto: kernel === auto, valid: d.ok, maxAbsError: d.maxAbs, medianMs: null, gflops: null };
    if (d.ok) {
      for (let w = 0; w < 2; w++) await timeOnce(kernel, a, b, out, p);
      const ts: number[] = [];
      for (let r = 0; r < repeats; r++) ts.push(await timeOnce(kernel, a, b, out, p));
      row.medianMs = median(ts);
      row.gflops = flops / (row.medianMs * 1e-3) / 1e9;
    }
    results.push(row);
    const fig =
      row.gflops === null
        ? 'NOT TIMED: failed validation'
        : `${row.gflops.toFixed(2).padStart(9)} GFLOP/s  ${row.medianMs!.toFixed(3).padStart(10)} ms`;
    console.log(
      `${name.padEnd(48)} ${(kernel + (row.auto ? '*' : '')).padEnd(7)} ${fig}  max|Δ| ${d.maxAbs.toExponential(2)}${d.ok ? '' : ' INVALID'}`,
    );
  }
  for (const x of [a, b, out]) be.free(x);
}

const json = arg('--json');
if (json) writeFileSync(json, JSON.stringify({ adapter, report: ctx.report, timing: method, repeats, rows: results }, null, 2));
be.dispose();
ctx.destroy();
if (results.some((r) => !r.valid)) {
  console.error('some kernel failed validation against the CPU reference');
  process.exit(1);
}
