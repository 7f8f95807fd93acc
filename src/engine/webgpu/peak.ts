/**
 * The start-up peak probe: how fast this adapter can do fp32 fused multiply-adds and copy
 * memory, measured with two kernels that do nothing else (`kernels/peak.wgsl`). Every kernel's
 * achieved GFLOP/s and GB/s is reported as a share of these figures (docs/kernels.md "Share of
 * peak"). Each probe grows its work until one run takes `targetMs`, then keeps the best of
 * `repeats` runs; both results are checked against the CPU before a figure is given.
 */
import peakWgsl from './kernels/peak.wgsl?raw';
import type { PeakFigures } from './autotune/store';
import { shader } from './shader';
import { uniforms } from './uniforms';

const PEAK = shader('peak', uniforms({ n: 'u32', iters: 'u32', s: 'f32', t: 'f32' }), peakWgsl);
const WG = 256;
/** Flops of one fma_peak round per invocation: 8 chains × 4 lanes × 2. */
const FLOPS_PER_ROUND = 64;

export interface PeakOptions {
  /** Time one measured run should take at least (ms). */
  targetMs?: number;
  /** Measured runs after calibration (the best counts). */
  repeats?: number;
  /** Use timestamp queries (GPU time of the pass) when the device has them; else wall clock. */
  timestamps?: boolean;
  /** fma_peak invocations (default: 262144 on a GPU, 4096 on a software adapter). */
  invocations?: number;
  /** copy_peak bytes per direction (default 64 MiB, 4 MiB on a software adapter, capped by the binding limit). */
  copyBytes?: number;
  software?: boolean;
}

export interface PeakResult extends PeakFigures {
  fmaMs: number;
  fmaFlops: number;
  copyMs: number;
  copyBytes: number;
}

/** The value every fma_peak output takes: the chains of invocation i, run `iters` rounds, summed as the kernel does. */
export function fmaReference(i: number, iters: number): number[] {
  const f = Math.fround;
  return [0, 1, 2, 3].map((lane) => {
    const x = Array.from({ length: 8 }, (_, c) => ((i + lane) % 64) + c);
    // Once every chain sits at its fixed point (1) further rounds change nothing: stop there.
    for (let r = 0; r < iters && x.some((v) => v !== 1); r++) for (let c = 0; c < 8; c++) x[c] = f(f(x[c] * 0.5) + 0.5);
    return f(f(f(x[0] + x[1]) + f(x[2] + x[3])) + f(f(x[4] + x[5]) + f(x[6] + x[7])));
  });
}

/** Measure the adapter's FMA and copy peaks on `device`. */
export async function probePeak(device: GPUDevice, opts: PeakOptions = {}): Promise<PeakResult> {
  const targetMs = opts.targetMs ?? 20;
  const repeats = opts.repeats ?? 3;
  const useTs = (opts.timestamps ?? true) && device.features.has('timestamp-query');
  const invocations = opts.invocations ?? (opts.software ? 4096 : 262144);
  const copyBytes = Math.min(opts.copyBytes ?? (opts.software ? 4 : 64) * 2 ** 20, device.limits.maxStorageBufferBindingSize);
  const n4 = Math.floor(copyBytes / 16);
  const module = device.createShaderModule({ label: 'peak.wgsl', code: PEAK.code });
  const pipe = (entryPoint: string) =>
    device.createComputePipeline({ label: `peak.${entryPoint}`, layout: 'auto', compute: { module, entryPoint, constants: { WG } } });
  const fmaPipe = pipe('fma_peak');
  const copyPipe = pipe('copy_peak');
  const storage = GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST;
  const owned: GPUBuffer[] = [];
  const buffer = (label: string, size: number, usage = storage) => {
    const b = device.createBuffer({ label, size, usage });
    owned.push(b);
    return b;
  };
  const sums = buffer('peak.sums', invocations * 16);
  const src = buffer('peak.src', n4 * 16);
  const dst = buffer('peak.dst', n4 * 16);
  const uniform = buffer('peak.params', 16, GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST);
  const query = useTs ? device.createQuerySet({ label: 'peak.queries', type: 'timestamp', count: 2 }) : null;
  const resolve = useTs ? buffer('peak.resolve', 16, GPUBufferUsage.QUERY_RESOLVE | GPUBufferUsage.COPY_SRC) : null;
  const fill = new Float32Array(Math.min(n4 * 4, 2 ** 20)).map((_, i) => (i % 1000) * 0.5);
  for (let off = 0; off < n4 * 16; off += fill.byteLength)
    device.queue.writeBuffer(src, off, fill, 0, Math.min(fill.length, (n4 * 16 - off) / 4));
  const fmaBind = device.createBindGroup({
    layout: fmaPipe.getBindGroupLayout(0),
    entries: [
      { binding: 0, resource: { buffer: uniform } },
      { binding: 1, resource: { buffer: sums } },
    ],
  });
  const copyBind = device.createBindGroup({
    layout: copyPipe.getBindGroupLayout(0),
    entries: [
      { binding: 0, resource: { buffer: uniform } },
      { binding: 1, resource: { buffer: src } },
      { binding: 2, resource: { buffer: dst } },
    ],
  });

  const params = new ArrayBuffer(16);
  /** One submission: `reps` dispatches in one pass; its time in ms. */
  async function run(kind: 'fma' | 'copy', iters: number, reps: number): Promise<number> {
    const n = kind === 'fma' ? invocations : n4;
    PEAK.uniforms.pack(new DataView(params), 0, { n, iters, s: 0.5, t: 0.5 }, 'peak');
    device.queue.writeBuffer(uniform, 0, params);
    const groups = Math.ceil(n / WG);
    const gx = Math.min(groups, device.limits.maxComputeWorkgroupsPerDimension);
    const gy = Math.ceil(groups / gx);
    await device.queue.onSubmittedWorkDone();
    const t0 = performance.now();
    const enc = device.createCommandEncoder({ label: `peak.${kind}` });
    const pass = enc.beginComputePass({
      label: `peak.${kind}`,
      timestampWrites: query ? { querySet: query, beginningOfPassWriteIndex: 0, endOfPassWriteIndex: 1 } : undefined,
    });
    pass.setPipeline(kind === 'fma' ? fmaPipe : copyPipe);
    pass.setBindGroup(0, kind === 'fma' ? fmaBind : copyBind);
    for (let r = 0; r < reps; r++) pass.dispatchWorkgroups(gx, gy);
    pass.end();
    if (!query) {
      device.queue.submit([enc.finish()]);
      await device.queue.onSubmittedWorkDone();
      return performance.now() - t0;
    }
    const read = device.createBuffer({ label: 'peak.read', size: 16, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
    enc.resolveQuerySet(query, 0, 2, resolve!, 0);
    enc.copyBufferToBuffer(resolve!, 0, read, 0, 16);
    device.queue.submit([enc.finish()]);
    await read.mapAsync(GPUMapMode.READ);
    const [a, b] = new BigUint64Array(read.getMappedRange().slice(0));
    read.destroy();
    if (a === 0n || b < a) throw new Error('peak probe: the timestamp pair is missing or runs backwards');
    return Number(b - a) / 1e6;
  }

  /** Grow `size` (doubling) until one run takes targetMs, then the best of `repeats`. */
  async function measure(kind: 'fma' | 'copy', start: number): Promise<{ ms: number; size: number }> {
    let size = start;
    for (let i = 0; i < 16 && (await run(kind, kind === 'fma' ? size : 1, kind === 'fma' ? 1 : size)) < targetMs; i++) size *= 2;
    let ms = Number.POSITIVE_INFINITY;
    for (let r = 0; r < repeats; r++) ms = Math.min(ms, await run(kind, kind === 'fma' ? size : 1, kind === 'fma' ? 1 : size));
    return { ms, size };
  }

  try {
    const fma = await measure('fma', 64);
    const copy = await measure('copy', 1);
    await check(device, sums, dst, invocations, fma.size, n4, fill);
    const fmaFlops = invocations * fma.size * FLOPS_PER_ROUND;
    const copyMoved = 2 * n4 * 16 * copy.size;
    return {
      gflops: fmaFlops / (fma.ms * 1e6),
      gbps: copyMoved / (copy.ms * 1e6),
      method: useTs ? 'timestamp-query, best of runs' : 'wall clock around onSubmittedWorkDone, best of runs',
      measuredAt: new Date().toISOString(),
      fmaMs: fma.ms,
      fmaFlops,
      copyMs: copy.ms,
      copyBytes: copyMoved,
    };
  } finally {
    for (const b of owned) b.destroy();
    query?.destroy();
  }
}

/** Read back a sample of both outputs and compare with the CPU: a probe that computed garbage gives no figure. */
async function check(
  device: GPUDevice,
  sums: GPUBuffer,
  dst: GPUBuffer,
  invocations: number,
  iters: number,
  n4: number,
  fill: Float32Array,
): Promise<void> {
  const sample = Math.min(invocations, 256);
  const copied = Math.min(n4 * 4, fill.length);
  const read = device.createBuffer({
    label: 'peak.check',
    size: (sample * 4 + copied) * 4,
    usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST,
  });
  const enc = device.createCommandEncoder({ label: 'peak.check' });
  enc.copyBufferToBuffer(sums, 0, read, 0, sample * 16);
  enc.copyBufferToBuffer(dst, 0, read, sample * 16, copied * 4);
  device.queue.submit([enc.finish()]);
  await read.mapAsync(GPUMapMode.READ);
  const got = new Float32Array(read.getMappedRange().slice(0));
  read.destroy();
  for (let i = 0; i < sample; i++) {
    const want = fmaReference(i, iters);
    for (let l = 0; l < 4; l++)
      if (got[i * 4 + l] !== want[l])
        throw new Error(`peak probe: fma_peak output ${i}.${l} is ${got[i * 4 + l]}, the CPU says ${want[l]}`);
  }
  for (let i = 0; i < copied; i++)
    if (got[sample * 4 + i] !== fill[i])
      throw new Error(`peak probe: copy_peak element ${i} is ${got[sample * 4 + i]}, expected ${fill[i]}`);
}
