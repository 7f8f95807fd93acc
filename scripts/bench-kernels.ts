/**
 * Kernel benchmark (a benchmark, not a test). First the start-up peak probe measures the
 * adapter's fp32 FMA rate and copy bandwidth (src/engine/webgpu/peak.ts). Then, for every
 * matmul candidate (kernel version and reg4 workgroup side), on the current adapter: validate
 * against the CPU reference on the same shape (on the first 32 output rows of each product for
 * shapes above 2 GFLOP), time it (warm-up, median of repeats) and print GFLOP/s, GB/s and the
 * share of the probed peak (docs/kernels.md "Share of peak"); the row kernels (softmax,
 * reductions, elementwise, layerNorm) follow. With `--tune` the autotuner picks per shape class
 * through the Node cache file (`--clear-tune-cache` empties it first). A shape that is a fused
 * Linear's product (one product, Bᵀ) also says which Linear version its class runs (tuned or rule).
 *
 *   scripts/run-ts.sh scripts/bench-kernels.ts [--full] [--repeats N] [--json out.json] [--tune] [--clear-tune-cache]
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
import { chooseMatmulKernel } from '../src/engine/webgpu/matmulChoice';
import type { Buf, MatmulParams } from '../src/engine/backend';
import { diff, randomArray, seededRandom } from '../src/engine/webgpu/testing/twin';
import { checkedRows, matmulSizes, matmulTolerance, pickRows, referenceRows } from '../src/engine/webgpu/autotune/matmulCheck';
import { type MatmulConfig, configName, matmulCandidates, tuneMatmul } from '../src/engine/webgpu/autotune/matmulTuner';
import { linearForMatmul, linearRule } from '../src/engine/webgpu/autotune/linearChoice';
import { FileTuneStore } from '../src/engine/webgpu/autotune/fileStore';
import { adapterKey } from '../src/engine/webgpu/autotune/store';
import { Autotuner } from '../src/engine/webgpu/autotune/tuner';
import { kernelCost, shareOfPeak } from '../src/engine/webgpu/costs';
import { probePeak } from '../src/engine/webgpu/peak';
import { benchRow, rowCases } from './bench/kernelRows';

checkFlags(
  { '--full': 'switch', '--repeats': 'value', '--json': 'value', '--tune': 'switch', '--clear-tune-cache': 'switch' },
  'usage: npm run bench:kernels -- [--full] [--repeats N] [--json out.json] [--tune] [--clear-tune-cache]',
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
console.log(`rule:    the backend's rule choice is marked with *${process.argv.includes('--tune') ? ', the tuned choice with T' : ''}`);

// The start-up peak probe: every rate below is also given as a share of these.
const peak = await probePeak(ctx.device, { software: ctx.report.isFallback, timestamps: useTimestamps });
console.log(
  `peak:    fp32 FMA ${peak.gflops.toFixed(2)} GFLOP/s (${peak.fmaMs.toFixed(2)} ms), copy ${peak.gbps.toFixed(2)} GB/s (${peak.copyMs.toFixed(2)} ms); ${peak.method}`,
);

let tuner: Autotuner | null = null;
if (process.argv.includes('--tune') || process.argv.includes('--clear-tune-cache')) {
  const store = new FileTuneStore();
  tuner = new Autotuner(store, adapterKey(ctx.report), backendLabel(ctx.report));
  if (process.argv.includes('--clear-tune-cache')) {
    await tuner.clear();
    console.log(`tuning:  cleared ${store.where}`);
  }
  if (!process.argv.includes('--tune')) tuner = null;
  else console.log(`tuning:  cache ${store.where}`);
}

interface Row {
  shape: string;
  kernel: string;
  rule: boolean;
  tuned: boolean;
  valid: boolean;
  maxAbsError: number;
  medianMs: number | null;
  gflops: number | null;
  gbps: number | null;
  /** Share of the probed peak (the larger of the compute and memory shares) and which. */
  share: number | null;
  bound: 'compute' | 'memory' | null;
}
const results: Row[] = [];
const linearRows: { shape: string; linear: string; source: 'tuned' | 'rule' }[] = [];
const rand = seededRandom(7);

async function timeOnce(c: MatmulConfig, a: Buf, b: Buf, out: Buf, p: MatmulParams): Promise<number> {
  const run = () => be.matmulWith(c.kernel, a, b, out, p, c.rw || undefined);
  if (useTimestamps) {
    be.timer.reset();
    run();
    const r = await be.timing();
    if (!r.available) throw new Error(r.reason);
    // Batches beyond the z limit run as several dispatches: their times add up.
    return r.kernels.reduce((s, k) => s + k.totalMs, 0);
  }
  be.flush();
  await ctx.device.queue.onSubmittedWorkDone();
  const t0 = performance.now();
  run();
  be.flush();
  await ctx.device.queue.onSubmittedWorkDone();
  return performance.now() - t0;
}

const pct = (x: number | null) => (x === null ? '—' : `${(100 * x).toFixed(1)} %`);
let bestMatmulShare = 0;
for (const { name, p } of shapes(full)) {
  const sizes = matmulSizes(p);
  const aData = randomArray(rand, sizes.a);
  const bData = randomArray(rand, sizes.b);
  // CPU reference once per shape. Big shapes are checked on their first rows of every product.
  const rows = checkedRows(p);
  const expected = referenceRows(p, aData, bData, rows);
  const a = be.alloc(sizes.a, 'f32', 'scratch', 'bench.a');
  const b = be.alloc(sizes.b, 'f32', 'scratch', 'bench.b');
  const out = be.alloc(sizes.out, 'f32', 'scratch', 'bench.out');
  be.write(a, aData);
  be.write(b, bData);
  // Work of the whole product (one dispatch per 65535 batch entries; the counts add up).
  const work = kernelCost('matmul', 'matmul_naive', { m: p.m, n: p.n, k: p.k, acc: 0 }, [1, 1, p.batch])!;
  const rule = chooseMatmulKernel(p, ctx.report.isFallback);
  const ruleName = rule === 'reg4' ? `reg4/${be.ctx.report.isFallback ? 4 : 16}` : rule;
  const tunedConfig = tuner ? (await tuneMatmul(be, tuner, p)).config : null;
  const tuned = tunedConfig ? configName(tunedConfig) : null;
  for (const [kernel, c] of matmulCandidates()) {
    be.fill(out, 0);
    be.matmulWith(c.kernel, a, b, out, p, c.rw || undefined);
    const got = pickRows(await be.read(out), p, rows);
    const d = diff(expected, got, matmulTolerance(p.k));
    const row: Row = {
      shape: name,
      kernel,
      rule: kernel === ruleName,
      tuned: kernel === tuned,
      valid: d.ok,
      maxAbsError: d.maxAbs,
      medianMs: null,
      gflops: null,
      gbps: null,
      share: null,
      bound: null,
    };
    if (d.ok) {
      for (let w = 0; w < 2; w++) await timeOnce(c, a, b, out, p);
      const ts: number[] = [];
      for (let r = 0; r < repeats; r++) ts.push(await timeOnce(c, a, b, out, p));
      row.medianMs = median(ts);
      const s = shareOfPeak(work.flops, work.bytes, row.medianMs, peak);
      Object.assign(row, { gflops: s.gflops, gbps: s.gbps, share: s.share, bound: s.bound });
      bestMatmulShare = Math.max(bestMatmulShare, s.gflops / peak.gflops);
    }
    results.push(row);
    const mark = `${row.rule ? '*' : ''}${row.tuned ? 'T' : ''}`;
    const fig =
      row.gflops === null
        ? 'NOT TIMED: failed validation'
        : `${row.gflops.toFixed(2).padStart(9)} GFLOP/s ${row.gbps!.toFixed(2).padStart(8)} GB/s ${pct(row.share).padStart(7)} of peak (${row.bound})  ${row.medianMs!.toFixed(3).padStart(9)} ms`;
    console.log(`${name.padEnd(48)} ${(kernel + mark).padEnd(10)} ${fig}  max|Δ| ${d.maxAbs.toExponential(2)}${d.ok ? '' : ' INVALID'}`);
  }
  // One product with Bᵀ is a fused Linear's class (x·Wᵀ): say which Linear version it runs (autotune/linearChoice.ts).
  if (p.batch === 1 && p.transB && !p.transA) {
    const lin = tunedConfig ? linearForMatmul(tunedConfig) : linearRule(ctx.report.isFallback);
    linearRows.push({ shape: name, linear: lin.name, source: tunedConfig ? 'tuned' : 'rule' });
    console.log(`${name.padEnd(48)} the fused Linear of this class runs ${lin.name} (${tunedConfig ? 'tuned' : 'rule'})`);
  }
  for (const x of [a, b, out]) be.free(x);
}
console.log(`matmul:  best share of the probed fp32 FMA peak ${pct(bestMatmulShare)} (README target on a real GPU: ≥ 50 %)`);

const rowResults = [];
if (useTimestamps) {
  for (const c of rowCases(full)) {
    const r = await benchRow(be, c, repeats);
    rowResults.push(r);
    const s = r.ms !== null && r.flops !== null && r.bytes !== null ? shareOfPeak(r.flops, r.bytes, r.ms, peak) : null;
    const fig = !r.valid
      ? 'NOT TIMED: failed validation'
      : s
        ? `${s.gflops.toFixed(2).padStart(9)} GFLOP/s ${s.gbps.toFixed(2).padStart(8)} GB/s ${pct(s.share).padStart(7)} of peak (${s.bound})  ${r.ms!.toFixed(3).padStart(9)} ms`
        : `not counted  ${r.ms!.toFixed(3)} ms`;
    console.log(`${r.name.padEnd(48)} ${fig}  [${r.kernels}]${r.valid ? '' : ` INVALID max|Δ| ${r.maxAbsError}`}`);
  }
} else console.log('row kernels: not timed (they are timed per kernel with timestamp-query, which this adapter lacks)');

const json = arg('--json');
if (json)
  writeFileSync(
    json,
    JSON.stringify(
      { adapter, report: ctx.report, timing: method, repeats, peak, rows: results, linear: linearRows, rowKernels: rowResults },
      null,
      2,
    ),
  );
be.dispose();
ctx.destroy();
if (results.some((r) => !r.valid) || rowResults.some((r) => !r.valid)) {
  console.error('some kernel failed validation against the CPU reference');
  process.exit(1);
}
