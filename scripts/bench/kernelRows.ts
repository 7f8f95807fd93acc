/**
 * The non-matmul kernels of `npm run bench:kernels`: each runs once, is compared with the CPU
 * reference, then timed with the backend's timestamp timer, and reported with its flops and
 * bytes (src/engine/webgpu/costs.ts) as GFLOP/s, GB/s and share of the probed peak.
 */
import type { Backend, Buf } from '../../src/engine/backend';
import { CpuBackend } from '../../src/engine/cpu/backend';
import type { WebGpuBackend } from '../../src/engine/webgpu/backend';
import type { KernelTime } from '../../src/engine/webgpu/timing';
import { diff, randomArray, seededRandom } from '../../src/engine/webgpu/testing/twin';

export interface RowCase {
  name: string;
  /** Buffer sizes: inputs first (filled with random values), then the output compared. */
  inputs: number[];
  output: number;
  run(be: Backend, ins: Buf[], out: Buf): void;
}

/** Shapes of the paper preset's row work at n = 512, B·H = 8 (softmax over the landmark kernel, layerNorm over d = 64). */
export function rowCases(full: boolean): RowCase[] {
  const rows = full ? 8 * 4096 : 8 * 512;
  const cols = 128;
  const ln = full ? 131072 : 4096;
  return [
    { name: `softmax [${rows}×${cols}]`, inputs: [rows * cols], output: rows * cols, run: (be, [x], o) => be.softmax(x, o, rows, cols) },
    {
      name: `softmaxBackward [${rows}×${cols}]`,
      inputs: [rows * cols, rows * cols],
      output: rows * cols,
      run: (be, [y, dy], o) => be.softmaxBackward(y, dy, o, rows, cols, false),
    },
    {
      name: `reduce sum rows [${rows}×${cols}]`,
      inputs: [rows * cols],
      output: rows,
      run: (be, [x], o) => be.reduce('sum', x, o, rows, cols, 1, 1, false),
    },
    {
      name: `add [${rows * cols}]`,
      inputs: [rows * cols, rows * cols],
      output: rows * cols,
      run: (be, [a, b], o) => be.binary('add', a, b, o, [1, 1, 1, rows * cols], [0, 0, 0, 1], [0, 0, 0, 1]),
    },
    { name: `gelu [${rows * cols}]`, inputs: [rows * cols], output: rows * cols, run: (be, [x], o) => be.unary('gelu', x, o) },
    {
      name: `layerNorm [${ln}×64]`,
      inputs: [ln * 64, 64, 64],
      output: ln * 64,
      run: (be, [x, g, b], o) => {
        const mean = be.alloc(ln, 'f32', 'scratch', 'mean');
        const rstd = be.alloc(ln, 'f32', 'scratch', 'rstd');
        be.layerNorm(x, g, b, o, mean, rstd, ln, 64, 1e-5);
        be.free(mean);
        be.free(rstd);
      },
    },
  ];
}

export interface RowResult {
  name: string;
  kernels: string;
  valid: boolean;
  maxAbsError: number;
  ms: number | null;
  flops: number | null;
  bytes: number | null;
}

/** Validate `c` against the CPU, then time it (median of `repeats` after two warm-ups) from the timestamps. */
export async function benchRow(be: WebGpuBackend, c: RowCase, repeats: number): Promise<RowResult> {
  const rand = seededRandom(11);
  const data = c.inputs.map((n) => randomArray(rand, n));
  const cpu = new CpuBackend('f32');
  const onBoth = <B extends Backend>(x: B) => {
    const ins = data.map((d, i) => {
      const b = x.alloc(d.length, 'f32', 'scratch', `in${i}`);
      x.write(b, d);
      return b;
    });
    return { ins, out: x.alloc(c.output, 'f32', 'scratch', 'out') };
  };
  const ref = onBoth(cpu);
  c.run(cpu, ref.ins, ref.out);
  const gpu = onBoth(be);
  c.run(be, gpu.ins, gpu.out);
  const d = diff(cpu.readSync(ref.out), await be.read(gpu.out), { abs: 1e-5, rel: 1e-4 });
  const result: RowResult = { name: c.name, kernels: '', valid: d.ok, maxAbsError: d.maxAbs, ms: null, flops: null, bytes: null };
  if (d.ok) {
    const runs: { ms: number; flops: number | null; bytes: number | null; names: string }[] = [];
    for (let r = 0; r < repeats + 2; r++) {
      be.timer.reset();
      c.run(be, gpu.ins, gpu.out);
      const t = await be.timing();
      if (!t.available) throw new Error(t.reason);
      const sum = (f: (k: KernelTime) => number | null) =>
        t.kernels.reduce<number | null>((s, k) => (s === null || f(k) === null ? null : s + f(k)!), 0);
      runs.push({ ms: t.totalMs, flops: sum((k) => k.flops), bytes: sum((k) => k.bytes), names: t.kernels.map((k) => k.name).join(' + ') });
    }
    const timed = runs.slice(2).sort((a, b) => a.ms - b.ms);
    const mid = timed[timed.length >> 1];
    Object.assign(result, { ms: mid.ms, flops: mid.flops, bytes: mid.bytes, kernels: mid.names });
  }
  for (const b of [...gpu.ins, gpu.out]) be.free(b);
  return result;
}
