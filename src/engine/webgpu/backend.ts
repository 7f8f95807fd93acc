/**
 * The WebGPU backend: every `Backend` method is one WGSL dispatch (two or three for the
 * deterministic two-stage reductions), recorded by `Recorder` into one command encoder and one
 * compute pass and submitted on `flush()` or `read()`. Nothing here waits on the GPU except
 * `read()` (and `timing()`, which is asked for).
 *
 * - Buffers come from one `BufferPool` (size classes, byte accounting by category).
 * - `write()` submits recorded work first, so a write is never reordered before earlier kernels.
 * - A released buffer handed out again keeps its old contents unless `reusedBuffers` asks for
 *   zeros or NaN poison (tests use poison to catch code that relies on zeroed memory).
 * - Input checks name the op, the buffer and the sizes; the device's own validation errors are
 *   turned into exceptions at the next `read()`.
 */
import type { AdamWParams, Backend, BinaryOp, Buf, DType, Dims4, MatmulParams, MemoryCategory, MemoryReport, ReduceOp, UnaryGradOp, UnaryOp } from '../backend';
import { backendLabel, type GpuContext } from './device';
import { GpuLimitError, GpuValidationError } from './errors';
import { KERNELS, type KernelName } from './kernels';
import { chooseMatmulKernel, type MatmulKernel } from './matmulChoice';
import { BufferPool, type PoolEntry } from './pool';
import { KernelTimer, MAX_TIMED_PASSES, type TimingReport } from './timing';
import { Recorder, type Word } from './recorder';

export interface WebGpuBackendOptions {
  /** Which matrix-product kernel to use; 'auto' follows `chooseMatmulKernel`. */
  matmulKernel?: 'auto' | MatmulKernel;
  /** Time every kernel with timestamp queries (one compute pass per dispatch while on). */
  timing?: boolean;
  /** Uniform slots per submission (each dispatch takes one). */
  uniformSlots?: number;
  /**
   * Workgroups per grid dimension before a dispatch folds into a second dimension; defaults to
   * the device limit. Tests lower it to exercise the 2-D path on small tensors.
   */
  maxWorkgroupsPerDimension?: number;
  /**
   * What a released buffer holds when `alloc` hands it out again. 'uninitialized' (default, as
   * `torch.empty`): old data, no extra GPU work — the engine initialises every buffer it reads
   * (`zeros()`, `fill`). 'zeroed': cleared like the CPU pool (one extra write pass per
   * allocation). 'poisoned': filled with NaN, for tests, so that code which wrongly relies on
   * zeroed memory shows up as NaN instead of passing by luck. Fresh buffers are always zero.
   */
  reusedBuffers?: 'uninitialized' | 'zeroed' | 'poisoned';
  /**
   * How the row kernels (softmax, layerNorm and their backwards) and the two-stage reductions
   * spread work. 'workgroup': one workgroup per row with barrier tree sums, and about 1024
   * reduction workgroups (fills a real GPU). 'serial': one invocation per row, no barriers,
   * and few reduction workgroups: on a software adapter (SwiftShader) a barrier costs more than
   * a short row's arithmetic and extra workgroups add nothing on a few CPU cores. 'auto'
   * (default): 'serial' on a software adapter, else 'workgroup'. Sums run in a different order
   * in the two layouts (both within the kernels' tested tolerances).
   */
  rowKernels?: 'auto' | 'workgroup' | 'serial';
}

/** Threads of the 1-D elementwise kernels. */
const WG = 256;
/** A quiet NaN as f32 bits (poisoned reused buffers). */
const NAN_BITS = 0x7fc00000;
/** Floats of scratch the chunked embedding backward may use (16 MiB). */
const SCATTER_SCRATCH = 4 * 1024 * 1024;

const UNARY_OPS: Record<UnaryOp, number> = { affine: 0, relu: 1, gelu: 2, exp: 3, log: 4, sqrt: 5, rsqrt: 6, square: 7, recip: 8, abs: 9 };
const BINARY_OPS: Record<BinaryOp, number> = { add: 0, sub: 1, mul: 2, div: 3 };
const REDUCE_OPS: Record<ReduceOp, number> = { sum: 0, max: 1, sumsq: 2, maxabs: 3 };
const UNARY_GRAD_OPS: Record<UnaryGradOp, number> = { relu: 0, gelu: 1 };

/** Workgroup size of the row kernels (one workgroup per row): a power of two in [32, 256] near the row length. */
function rowWorkgroup(cols: number): number {
  let w = 32;
  while (w < cols && w < 256) w *= 2;
  return w;
}

/**
 * Rows per chunk for a two-stage reduction over `len` rows with `blocks` workgroups per chunk:
 * about `target` workgroups in all (1024 fills a large GPU), at least `minChunk` rows per chunk.
 */
function chunking(len: number, blocks: number, minChunk = 64, target = 1024): { chunk: number; chunks: number } {
  const want = Math.max(1, Math.min(Math.ceil(target / blocks), Math.ceil(len / minChunk)));
  const chunk = Math.ceil(len / want);
  return { chunk, chunks: Math.ceil(len / chunk) };
}

function span(shape: Dims4, strides: Dims4, offset: number): number {
  let last = offset;
  for (let d = 0; d < 4; d++) last += (shape[d] - 1) * strides[d];
  return last + 1;
}

export class WebGpuBackend implements Backend {
  readonly kind = 'webgpu' as const;
  readonly label: string;
  readonly pool: BufferPool;
  readonly timer: KernelTimer;
  private readonly device: GPUDevice;
  private readonly maxPerDim: number;
  private readonly matmulChoice: 'auto' | MatmulKernel;
  private readonly recorder: Recorder;
  private readonly reused: 'uninitialized' | 'zeroed' | 'poisoned';
  /** One invocation per row and few reduction workgroups (see `rowKernels`). */
  readonly serialRows: boolean;
  /** Side of the reg4 matmul's square workgroup (see matmul.wgsl). */
  private readonly reg4Workgroup: number;
  /** Workgroups a two-stage reduction aims for. */
  private readonly reductionTarget: number;
  private errorsSeen = 0;
  private disposed = false;
  /** Scratch of the two-stage reductions (see `partials`). */
  private partialBuf: PoolEntry | null = null;

  constructor(
    readonly ctx: GpuContext,
    opts: WebGpuBackendOptions = {},
  ) {
    this.device = ctx.device;
    this.label = backendLabel(ctx.report);
    const lim = this.device.limits;
    this.maxPerDim = Math.min(opts.maxWorkgroupsPerDimension ?? lim.maxComputeWorkgroupsPerDimension, lim.maxComputeWorkgroupsPerDimension);
    this.matmulChoice = opts.matmulKernel ?? 'auto';
    this.reused = opts.reusedBuffers ?? 'uninitialized';
    const rows = opts.rowKernels ?? 'auto';
    if (!['auto', 'workgroup', 'serial'].includes(rows)) throw new Error(`WebGpuBackend: rowKernels ${String(rows)} is not one of auto, workgroup, serial`);
    this.serialRows = rows === 'serial' || (rows === 'auto' && ctx.report.isFallback);
    // A software adapter runs workgroups on a few CPU threads: a handful per reduction is enough.
    this.reductionTarget = this.serialRows ? 16 : 1024;
    // SwiftShader runs each workgroup on one CPU thread: 4×4 invocations (16×16 outputs) give
    // tiny products several workgroups to share out, where 16×16 gave one mostly idle one.
    this.reg4Workgroup = ctx.report.isFallback ? 4 : 16;
    if (!['uninitialized', 'zeroed', 'poisoned'].includes(this.reused)) throw new Error(`WebGpuBackend: reusedBuffers ${String(this.reused)} is not one of uninitialized, zeroed, poisoned`);
    this.pool = new BufferPool(this.device, { maxStorageBufferBindingSize: lim.maxStorageBufferBindingSize, maxBufferSize: lim.maxBufferSize });
    const slots = opts.uniformSlots ?? MAX_TIMED_PASSES;
    if (!(Number.isInteger(slots) && slots >= 1 && slots <= MAX_TIMED_PASSES)) throw new Error(`WebGpuBackend: uniformSlots ${slots} must be an integer in [1, ${MAX_TIMED_PASSES}]`);
    this.timer = new KernelTimer(this.device, this.pool, opts.timing ?? false);
    this.recorder = new Recorder(this.device, this.pool, this.timer, slots);
  }

  /** How many command buffers were submitted so far (tests use it to show batching). */
  get submitCount(): number {
    return this.recorder.submissions;
  }

  /** How many dispatches were recorded so far (the step benchmark reports them per step). */
  get dispatchCount(): number {
    return this.recorder.dispatches;
  }

  /** How many zero fills were recorded as buffer clears instead of dispatches. */
  get clearCount(): number {
    return this.recorder.clears;
  }

  /** The matrix-product kernel this backend uses for `p`. */
  matmulKernelFor(p: MatmulParams): MatmulKernel {
    return this.matmulChoice === 'auto' ? chooseMatmulKernel(p, this.ctx.report.isFallback) : this.matmulChoice;
  }

  /** Per-kernel GPU times recorded so far (reads the resolved timestamps; waits for the GPU). */
  async timing(): Promise<TimingReport> {
    this.flush();
    return this.timer.report();
  }

  // ---------- memory ----------
  alloc(size: number, dtype: DType, category: MemoryCategory, label: string): Buf {
    this.live();
    const { buf, fresh } = this.pool.alloc(size, dtype, category, label);
    if (!fresh && this.reused !== 'uninitialized') this.fillBits(buf, this.reused === 'zeroed' ? 0 : NAN_BITS, size);
    return buf;
  }

  free(b: Buf): void {
    this.pool.free(b);
  }

  write(b: Buf, data: ArrayLike<number>, elementOffset = 0): void {
    const e = this.pool.entry(b, 'write');
    if (!Number.isInteger(elementOffset) || elementOffset < 0 || elementOffset + data.length > b.size)
      throw new Error(`write: ${data.length} elements at offset ${elementOffset} do not fit buffer "${b.label}" of ${b.size}`);
    if (data.length === 0) return;
    let typed: Float32Array | Int32Array;
    if (b.dtype === 'i32') {
      for (let i = 0; i < data.length; i++) if (!Number.isInteger(data[i])) throw new Error(`write: buffer "${b.label}" is i32 but element ${i} is ${data[i]}`);
      typed = data instanceof Int32Array ? data : Int32Array.from(data);
    } else {
      typed = data instanceof Float32Array ? data : Float32Array.from(data);
    }
    // Earlier kernels may read this buffer: submit them before the queue write lands.
    this.flush();
    this.device.queue.writeBuffer(e.buffer, elementOffset * 4, typed.buffer, typed.byteOffset, typed.byteLength);
  }

  async read(b: Buf): Promise<Float32Array | Int32Array> {
    const e = this.pool.entry(b, 'read');
    const bytes = b.size * 4;
    const staging = this.pool.acquireStaging(bytes, b.label);
    this.recorder.copy(e.buffer, staging, bytes);
    this.flush();
    await staging.mapAsync(GPUMapMode.READ, 0, bytes);
    const copy = staging.getMappedRange(0, bytes).slice(0);
    staging.unmap();
    this.pool.releaseStaging(staging);
    this.throwNewErrors(`read "${b.label}"`);
    return b.dtype === 'i32' ? new Int32Array(copy) : new Float32Array(copy);
  }

  memory(): MemoryReport {
    return this.pool.report();
  }

  resetPeak(): void {
    this.pool.resetPeak();
  }

  flush(): void {
    this.recorder.flush();
  }

  dispose(): void {
    if (this.disposed) return;
    this.flush();
    this.disposed = true;
    this.timer.dispose();
    this.pool.dispose();
    this.recorder.pipelines.clear();
  }

  /**
   * Give released buffers back to the device (for example after evaluation at a different
   * sequence length); returns the bytes freed. Recorded work is submitted first, and cached bind
   * groups are dropped because some may name destroyed buffers.
   */
  trim(): number {
    this.flush();
    this.recorder.pipelines.dropBindGroups();
    return this.pool.trim();
  }

  // ---------- data movement ----------
  fill(out: Buf, value: number): void {
    this.pool.entry(out, 'fill');
    let bits: number;
    if (out.dtype === 'i32') {
      if (!Number.isInteger(value)) throw new Error(`fill: buffer "${out.label}" is i32 but the value is ${value}`);
      bits = value | 0;
    } else {
      bits = new Uint32Array(new Float32Array([value]).buffer)[0];
    }
    this.fillBits(out, bits, out.size);
  }

  eye(out: Buf, batch: number, m: number, scale: number): void {
    const n = batch * m * m;
    this.need('eye', out, n);
    this.run('eye', 'eye', {}, [['u', n], ['u', m], ['f', scale]], [out], this.grid1(Math.ceil(n / WG), 'eye'));
  }

  copyStrided(src: Buf, dst: Buf, shape: Dims4, srcStrides: Dims4, srcOffset: number, dstStrides: Dims4, dstOffset: number, alpha: number, accumulate: boolean): void {
    const op = 'copyStrided';
    if (src.dtype !== dst.dtype) throw new Error(`${op}: "${src.label}" is ${src.dtype} but "${dst.label}" is ${dst.dtype}`);
    const total = shape[0] * shape[1] * shape[2] * shape[3];
    if (total === 0) return;
    if (span(shape, srcStrides, srcOffset) > src.size) throw new Error(`${op}: source "${src.label}" (${src.size} elements) is too small for shape [${shape}] strides [${srcStrides}] offset ${srcOffset}`);
    if (span(shape, dstStrides, dstOffset) > dst.size) throw new Error(`${op}: destination "${dst.label}" (${dst.size} elements) is too small for shape [${shape}] strides [${dstStrides}] offset ${dstOffset}`);
    const floatMath = alpha !== 1 || accumulate;
    if (floatMath && src.dtype === 'i32') throw new Error(`${op}: i32 buffers are copied bit for bit only (alpha = 1, no accumulate); got alpha ${alpha}, accumulate ${accumulate}`);
    const words: Word[] = [
      ['u', total], ['u', shape[1]], ['u', shape[2]], ['u', shape[3]],
      ...srcStrides.map((s): Word => ['u', s]), ...dstStrides.map((s): Word => ['u', s]),
      ['u', srcOffset], ['u', dstOffset], ['f', alpha], ['u', accumulate ? 1 : 0],
    ];
    this.run(op, 'copyStrided', { FLOAT_MATH: floatMath ? 1 : 0 }, words, [src, dst], this.grid1(Math.ceil(total / WG), op));
  }

  // ---------- arithmetic ----------
  binary(op: BinaryOp, a: Buf, b: Buf, out: Buf, shape: Dims4, aStrides: Dims4, bStrides: Dims4): void {
    const name = `binary ${op}`;
    if (!(op in BINARY_OPS)) throw new Error(`binary: op ${String(op)} is not one of ${Object.keys(BINARY_OPS).join(', ')}`);
    const total = shape[0] * shape[1] * shape[2] * shape[3];
    this.need(name, out, total);
    this.need(name, a, span(shape, aStrides, 0));
    this.need(name, b, span(shape, bStrides, 0));
    const words: Word[] = [['u', total], ['u', shape[1]], ['u', shape[2]], ['u', shape[3]], ...aStrides.map((s): Word => ['u', s]), ...bStrides.map((s): Word => ['u', s])];
    this.run(name, 'binary', { OP: BINARY_OPS[op] }, words, [a, b, out], this.grid1(Math.ceil(total / WG), name));
  }

  unary(op: UnaryOp, x: Buf, out: Buf, alpha = 1, beta = 0): void {
    const name = `unary ${op}`;
    if (!(op in UNARY_OPS)) throw new Error(`unary: op ${String(op)} is not one of ${Object.keys(UNARY_OPS).join(', ')}`);
    const n = out.size;
    this.need(name, x, n);
    const words: Word[] = [['u', n], ['f', alpha], ['f', beta]];
    const grid = this.grid1(Math.ceil(n / WG), name);
    const inPlace = this.pool.entry(x, name) === this.pool.entry(out, name);
    if (inPlace) this.run(name, 'unaryInplace', { OP: UNARY_OPS[op] }, words, [out], grid);
    else this.run(name, 'unary', { OP: UNARY_OPS[op] }, words, [x, out], grid);
  }

  unaryGrad(op: UnaryGradOp, x: Buf, dy: Buf, dx: Buf, accumulate: boolean): void {
    const name = `unaryGrad ${op}`;
    if (!(op in UNARY_GRAD_OPS)) throw new Error(`unaryGrad: op ${String(op)} is not one of ${Object.keys(UNARY_GRAD_OPS).join(', ')}`);
    const n = dx.size;
    this.need(name, x, n);
    this.need(name, dy, n);
    this.run(name, 'unaryGrad', { OP: UNARY_GRAD_OPS[op] }, [['u', n], ['u', accumulate ? 1 : 0]], [x, dy, dx], this.grid1(Math.ceil(n / WG), name));
  }

  reduce(op: ReduceOp, x: Buf, out: Buf, outer: number, len: number, inner: number, alpha: number, accumulate: boolean): void {
    const name = `reduce ${op}`;
    if (!(op in REDUCE_OPS)) throw new Error(`reduce: op ${String(op)} is not one of ${Object.keys(REDUCE_OPS).join(', ')}`);
    this.need(name, x, outer * len * inner);
    this.need(name, out, outer * inner);
    const words: Word[] = [['u', outer], ['u', len], ['u', inner], ['f', alpha], ['u', accumulate ? 1 : 0], ['u', 0]];
    // A whole row per workgroup when the reduced axis is contiguous and long enough to share
    // (not with serial rows: there one invocation per output walks its row, without barriers);
    // two stages (chunk partials, then their combination) for few outputs over a long strided
    // axis (bias gradients); otherwise one invocation per output walks its column.
    if (inner === 1 && len >= 64 && !this.serialRows) {
      this.run(name, 'reduceRows', { OP: REDUCE_OPS[op], WG: rowWorkgroup(len) }, words, [x, out], this.grid1(outer, name));
    } else if (outer * inner < 4096 && len >= 256) {
      const { chunk, chunks } = chunking(len, outer * Math.ceil(inner / 64), 64, this.reductionTarget);
      const part = this.partials(outer * chunks * inner);
      const stage1: Word[] = [['u', outer], ['u', len], ['u', inner], ['f', 1], ['u', 0], ['u', chunk]];
      this.run(name, this.serialRows ? 'reducePartialSerial' : 'reducePartial', { OP: REDUCE_OPS[op] }, stage1, [x, part], [Math.ceil(inner / 64), chunks, outer]);
      // The chunks hold sums (of values or squares) or maxima (of values or magnitudes).
      const combine = op === 'sum' || op === 'sumsq' ? REDUCE_OPS.sum : REDUCE_OPS.max;
      const stage2: Word[] = [['u', outer], ['u', chunks], ['u', inner], ['f', alpha], ['u', accumulate ? 1 : 0], ['u', 0]];
      this.run(name, 'reduceLanes', { OP: combine }, stage2, [part, out], this.grid1(Math.ceil((outer * inner) / WG), name));
    } else {
      this.run(name, 'reduceLanes', { OP: REDUCE_OPS[op] }, words, [x, out], this.grid1(Math.ceil((outer * inner) / WG), name));
    }
  }

  reduceMaxBackward(x: Buf, y: Buf, dy: Buf, dx: Buf, outer: number, len: number, inner: number, accumulate: boolean): void {
    const name = 'reduceMaxBackward';
    this.need(name, x, outer * len * inner);
    this.need(name, dx, outer * len * inner);
    this.need(name, y, outer * inner);
    this.need(name, dy, outer * inner);
    const words: Word[] = [['u', outer], ['u', len], ['u', inner], ['f', 1], ['u', accumulate ? 1 : 0], ['u', 0]];
    this.run(name, 'reduceMaxBackward', {}, words, [x, y, dy, dx], this.grid1(Math.ceil((outer * inner) / WG), name));
  }

  matmul(a: Buf, b: Buf, out: Buf, p: MatmulParams): void {
    this.matmulWith(this.matmulKernelFor(p), a, b, out, p);
  }

  /** The matrix product with a named kernel version (the benchmark and tests call each one). */
  matmulWith(kernel: MatmulKernel, a: Buf, b: Buf, out: Buf, p: MatmulParams): void {
    const name = `matmul ${kernel}`;
    const { batch, m, n, k } = p;
    for (const [key, v] of Object.entries({ batch, m, n, k })) if (!Number.isInteger(v) || v < 1) throw new Error(`matmul: ${key} = ${v} must be a positive integer`);
    this.need(name, a, (batch - 1) * p.strideA + m * k);
    this.need(name, b, (batch - 1) * p.strideB + k * n);
    this.need(name, out, batch * m * n);
    const [ai, ak] = p.transA ? [1, m] : [k, 1];
    const [bk, bj] = p.transB ? [1, k] : [n, 1];
    const rw = this.reg4Workgroup;
    const per = kernel === 'naive' ? 16 : kernel === 'reg4' ? 4 * rw : 64;
    const gx = Math.ceil(n / per);
    const gy = Math.ceil(m / per);
    if (gx > this.maxPerDim || gy > this.maxPerDim) throw new GpuLimitError('maxComputeWorkgroupsPerDimension', this.maxPerDim, Math.max(gx, gy), `${name} ${m}×${k}·${k}×${n}`);
    const def: KernelName = kernel === 'naive' ? 'matmulNaive' : kernel === 'reg4' ? 'matmulReg4' : 'matmulTiled';
    // More products than a grid dimension holds: dispatch them in slices (batch0 = first index).
    for (let b0 = 0; b0 < batch; b0 += this.maxPerDim) {
      const nb = Math.min(this.maxPerDim, batch - b0);
      const words: Word[] = [
        ['u', m], ['u', n], ['u', k], ['u', b0],
        ['u', ai], ['u', ak], ['u', bk], ['u', bj],
        ['u', p.strideA], ['u', p.strideB], ['f', p.alpha], ['u', p.accumulate ? 1 : 0],
      ];
      this.run(name, def, kernel === 'reg4' ? { RW: rw } : {}, words, [a, b, out], [gx, gy, nb]);
    }
  }

  // ---------- neural-network kernels ----------
  softmax(x: Buf, out: Buf, rows: number, cols: number): void {
    this.need('softmax', x, rows * cols);
    this.need('softmax', out, rows * cols);
    const words: Word[] = [['u', rows], ['u', cols], ['u', 0]];
    if (this.serialRows) this.run('softmax', 'softmaxSerial', {}, words, [x, out], this.grid1(Math.ceil(rows / 64), 'softmax'));
    else this.run('softmax', 'softmax', { WG: rowWorkgroup(cols) }, words, [x, out], this.grid1(rows, 'softmax'));
  }

  softmaxBackward(y: Buf, dy: Buf, dx: Buf, rows: number, cols: number, accumulate: boolean): void {
    const op = 'softmaxBackward';
    for (const b of [y, dy, dx]) this.need(op, b, rows * cols);
    const words: Word[] = [['u', rows], ['u', cols], ['u', accumulate ? 1 : 0]];
    if (this.serialRows) this.run(op, 'softmaxBackwardSerial', {}, words, [y, dy, dx], this.grid1(Math.ceil(rows / 64), op));
    else this.run(op, 'softmaxBackward', { WG: rowWorkgroup(cols) }, words, [y, dy, dx], this.grid1(rows, op));
  }

  crossEntropy(logits: Buf, labels: Buf, lossRows: Buf, dlogits: Buf | null, rows: number, classes: number, gradScale: number): void {
    const op = 'crossEntropy';
    this.need(op, logits, rows * classes);
    this.need(op, labels, rows, 'i32');
    this.need(op, lossRows, rows);
    const words: Word[] = [['u', rows], ['u', classes], ['f', gradScale]];
    const c = { WG: rowWorkgroup(classes) };
    if (dlogits) {
      this.need(op, dlogits, rows * classes);
      this.run(op, 'ceGrad', c, words, [logits, labels, lossRows, dlogits], this.grid1(rows, op));
    } else {
      this.run(op, 'ceLoss', c, words, [logits, labels, lossRows], this.grid1(rows, op));
    }
  }

  layerNorm(x: Buf, gamma: Buf, beta: Buf, out: Buf, mean: Buf, rstd: Buf, rows: number, cols: number, eps: number): void {
    const op = 'layerNorm';
    this.need(op, x, rows * cols);
    this.need(op, out, rows * cols);
    this.need(op, gamma, cols);
    this.need(op, beta, cols);
    this.need(op, mean, rows);
    this.need(op, rstd, rows);
    const words: Word[] = [['u', rows], ['u', cols], ['f', eps], ['u', 0], ['u', 0], ['u', 0]];
    const bufs = [x, gamma, beta, out, mean, rstd];
    if (this.serialRows) this.run(op, 'layerNormSerial', {}, words, bufs, this.grid1(Math.ceil(rows / 64), op));
    else this.run(op, 'layerNorm', { WG: rowWorkgroup(cols) }, words, bufs, this.grid1(rows, op));
  }

  layerNormBackward(x: Buf, gamma: Buf, mean: Buf, rstd: Buf, dy: Buf, dx: Buf, dgamma: Buf, dbeta: Buf, rows: number, cols: number, accumulateDx: boolean): void {
    const op = 'layerNormBackward';
    for (const b of [x, dy, dx]) this.need(op, b, rows * cols);
    for (const b of [gamma, dgamma, dbeta]) this.need(op, b, cols);
    for (const b of [mean, rstd]) this.need(op, b, rows);
    const dxWords: Word[] = [['u', rows], ['u', cols], ['f', 0], ['u', accumulateDx ? 1 : 0], ['u', 0], ['u', 0]];
    const dxBufs = [x, gamma, mean, rstd, dy, dx];
    if (this.serialRows) this.run(op, 'layerNormDxSerial', {}, dxWords, dxBufs, this.grid1(Math.ceil(rows / 64), op));
    else this.run(op, 'layerNormDx', { WG: rowWorkgroup(cols) }, dxWords, dxBufs, this.grid1(rows, op));
    // dgamma, dbeta: chunk partials over rows, then one ordered sum per column (no atomics).
    const { chunk, chunks } = chunking(rows, Math.ceil(cols / 64), 64, this.reductionTarget);
    const part = this.partials(chunks * 2 * cols);
    const words: Word[] = [['u', rows], ['u', cols], ['f', 0], ['u', 1], ['u', chunk], ['u', chunks]];
    this.run(op, this.serialRows ? 'layerNormParamsPartialSerial' : 'layerNormParamsPartial', {}, words, [x, mean, rstd, dy, part], [Math.ceil(cols / 64), chunks, 1]);
    this.run(op, 'layerNormParamsFinish', {}, words, [part, dgamma, dbeta], this.grid1(Math.ceil(cols / WG), op));
  }

  gather(table: Buf, ids: Buf, out: Buf, count: number, dim: number): void {
    const op = 'gather';
    this.need(op, ids, count, 'i32');
    this.need(op, out, count * dim);
    this.need(op, table, dim);
    const vocab = Math.floor(table.size / dim);
    this.run(op, 'gather', {}, [['u', count], ['u', dim], ['u', vocab], ['u', 1], ['u', 0]], [table, ids, out], this.grid1(Math.ceil((count * dim) / WG), op));
  }

  scatterAdd(ids: Buf, dy: Buf, dtable: Buf, count: number, dim: number): void {
    const op = 'scatterAdd';
    this.need(op, ids, count, 'i32');
    this.need(op, dy, count * dim);
    this.need(op, dtable, dim);
    const vocab = Math.floor(dtable.size / dim);
    // Small table: split the ids into chunks, each summed into its own zeroed table slice,
    // then add the slices in order (scratch up to SCATTER_SCRATCH floats).
    const chunks = Math.min(Math.floor(SCATTER_SCRATCH / (vocab * dim)), Math.ceil(count / 64));
    if (chunks >= 4) {
      const chunk = Math.ceil(count / chunks);
      const n = chunks * vocab * dim;
      const part = this.partials(n);
      this.run(op, 'fill', {}, [['u', n], ['u', 0]], [part], this.grid1(Math.ceil(n / WG), op));
      this.run(op, 'scatterAddChunks', {}, [['u', count], ['u', dim], ['u', vocab], ['u', chunks], ['u', chunk]], [ids, dy, part], this.grid1(Math.ceil((chunks * dim) / WG), op));
      const sum: Word[] = [['u', 1], ['u', chunks], ['u', vocab * dim], ['f', 1], ['u', 1], ['u', 0]];
      this.run(op, 'reduceLanes', { OP: REDUCE_OPS.sum }, sum, [part, dtable], this.grid1(Math.ceil((vocab * dim) / WG), op));
      return;
    }
    // Large table: enough (column, part) owners to keep a GPU busy; each scans all ids in order.
    const parts = Math.max(1, Math.min(vocab, Math.ceil(8192 / dim)));
    this.run(op, 'scatterAdd', {}, [['u', count], ['u', dim], ['u', vocab], ['u', parts], ['u', 0]], [ids, dy, dtable], this.grid1(Math.ceil((parts * dim) / WG), op));
  }

  dconv(x: Buf, w: Buf, out: Buf, bh: number, heads: number, n: number, d: number, k: number): void {
    const op = 'dconv';
    this.checkConv(op, bh, heads, k);
    this.need(op, x, bh * n * d);
    this.need(op, out, bh * n * d);
    this.need(op, w, heads * k);
    this.run(op, 'dconv', {}, [...this.convWords(bh, heads, n, d, k, false), ['u', 0]], [x, w, out], this.grid1(Math.ceil((bh * n * d) / WG), op));
  }

  dconvBackward(x: Buf, w: Buf, dy: Buf, dx: Buf | null, dw: Buf | null, bh: number, heads: number, n: number, d: number, k: number): void {
    const op = 'dconvBackward';
    this.checkConv(op, bh, heads, k);
    this.need(op, x, bh * n * d);
    this.need(op, dy, bh * n * d);
    this.need(op, w, heads * k);
    // As the CPU reference: dx is overwritten, dw (a parameter gradient) accumulates.
    if (dx) {
      this.need(op, dx, bh * n * d);
      this.run(op, 'dconvDx', {}, [...this.convWords(bh, heads, n, d, k, false), ['u', 0]], [x, w, dy, dx], this.grid1(Math.ceil((bh * n * d) / WG), op));
    }
    if (dw) {
      this.need(op, dw, heads * k);
      // Two stages: chunk partials per (h, j), then an ordered sum of the chunks into dw.
      const terms = Math.ceil(bh / heads) * n * d;
      // Workgroups per chunk: one per (h, j) with barriers, one per 64 of them serially.
      const blocks = this.serialRows ? Math.ceil((heads * k) / 64) : heads * k;
      const { chunk, chunks } = chunking(terms, blocks, 256, this.reductionTarget);
      const part = this.partials(chunks * heads * k);
      const dwWords: Word[] = [...this.convWords(bh, heads, n, d, k, true), ['u', chunk]];
      if (this.serialRows) this.run(op, 'dconvDwPartialSerial', {}, dwWords, [x, w, dy, part], [Math.ceil((heads * k) / 64), chunks, 1]);
      else this.run(op, 'dconvDwPartial', {}, dwWords, [x, w, dy, part], [heads * k, chunks, 1]);
      const sum: Word[] = [['u', 1], ['u', chunks], ['u', heads * k], ['f', 1], ['u', 1], ['u', 0]];
      this.run(op, 'reduceLanes', { OP: REDUCE_OPS.sum }, sum, [part, dw], this.grid1(Math.ceil((heads * k) / WG), op));
    }
  }

  // ---------- randomness ----------
  dropoutMask(out: Buf, seed: number, offset: number, p: number, scale: number): void {
    if (!(p >= 0 && p < 1)) throw new Error(`dropoutMask: p = ${p} must be in [0, 1)`);
    const n = out.size;
    this.need('dropoutMask', out, n);
    this.run('dropoutMask', 'dropoutMask', {}, [['u', n], ['u', seed >>> 0], ['u', offset >>> 0], ['f', p], ['f', scale]], [out], this.grid1(Math.ceil(n / WG), 'dropoutMask'));
  }

  // ---------- optimizer ----------
  sumSquares(x: Buf, out: Buf, accumulate: boolean): void {
    const op = 'sumSquares';
    this.need(op, out, 1);
    this.need(op, x, x.size);
    const n = x.size;
    if (n < 65536) {
      this.run(op, 'sumSquares', {}, this.optWords({ n, acc: accumulate ? 1 : 0 }), [x, out], [1, 1, 1]);
      return;
    }
    // Long tensors: chunk partials over many workgroups, then one ordered sum into out[0].
    const { chunk, chunks } = chunking(n, 1, 4096);
    const part = this.partials(chunks);
    this.run(op, 'sumSquaresPartial', {}, this.optWords({ n, chunk }), [x, part], this.grid1(chunks, op));
    this.run(op, 'reduceRows', { OP: REDUCE_OPS.sum, WG: rowWorkgroup(chunks) }, [['u', 1], ['u', chunks], ['u', 1], ['f', 1], ['u', accumulate ? 1 : 0], ['u', 0]], [part, out], [1, 1, 1]);
  }

  clipCoefficient(sumSq: Buf, out: Buf, maxNorm: number): void {
    this.need('clipCoefficient', sumSq, 1);
    this.need('clipCoefficient', out, 1);
    this.run('clipCoefficient', 'clipCoefficient', {}, this.optWords({ maxNorm }), [sumSq, out], [1, 1, 1]);
  }

  adamw(param: Buf, grad: Buf, m: Buf, v: Buf, gradScale: Buf | null, p: AdamWParams): void {
    const op = `adamw "${param.label}"`;
    const n = param.size;
    if (!Number.isInteger(p.step) || p.step < 1) throw new Error(`${op}: step ${p.step} must be a positive integer (1-based)`);
    for (const b of [grad, m, v]) this.need(op, b, n);
    const words = this.optWords({
      n,
      lr: p.lr,
      beta1: p.beta1,
      beta2: p.beta2,
      eps: p.eps,
      wd: p.weightDecay,
      bc1: 1 - Math.pow(p.beta1, p.step),
      bc2: 1 - Math.pow(p.beta2, p.step),
    });
    const grid = this.grid1(Math.ceil(n / WG), op);
    if (gradScale) {
      this.need(op, gradScale, 1);
      this.run(op, 'adamwScaled', {}, words, [param, grad, m, v, gradScale], grid);
    } else {
      this.run(op, 'adamw', {}, words, [param, grad, m, v], grid);
    }
  }

  checkFinite(x: Buf, out: Buf): void {
    this.need('checkFinite', out, 1, out.dtype);
    const marker = out.dtype === 'i32' ? 1 : 0x3f800000; // 1 as i32, or the bits of 1.0f
    this.run('checkFinite', 'checkFinite', {}, this.optWords({ n: x.size, marker }), [x, out], this.grid1(Math.ceil(x.size / WG), 'checkFinite'));
  }

  // ---------- recording ----------

  /** Record one dispatch; caller handles are checked here (use after free names the label). */
  private run(opName: string, kernel: KernelName, constants: Record<string, number>, words: Word[], bufs: (Buf | PoolEntry)[], grid: readonly number[]): void {
    this.live();
    const entries = bufs.map((b) => ('key' in b ? b : this.pool.entry(b, opName)));
    this.recorder.dispatch(opName, KERNELS[kernel], constants, words, entries, grid);
  }

  /**
   * The backend's own scratch for two-stage reductions (counted in `allocated`, not as a live
   * handle), grown when a reduction needs more; shared by all of them, since dispatches in one
   * stream run in order.
   */
  private partials(n: number): PoolEntry {
    const bytes = n * 4;
    if (!this.partialBuf || this.partialBuf.bytes < bytes) {
      // The old buffer may be named by recorded work: submit that before it is destroyed.
      if (this.partialBuf) this.flush();
      const size = Math.min(Math.max(bytes, 2 * (this.partialBuf?.bytes ?? 0), 4096), Math.max(bytes, this.pool.maxBindingBytes));
      this.partialBuf = this.pool.internalStorage(size, 'backend.partials', this.partialBuf ?? undefined);
      this.recorder.pipelines.dropBindGroups();
    }
    return this.partialBuf;
  }

  private fillBits(out: Buf, bits: number, n: number): void {
    // Zeros (gradients before a step, fresh accumulators) need no kernel.
    if (bits === 0) {
      this.live();
      this.recorder.clear(this.pool.entry(out, 'fill').buffer, n * 4);
      return;
    }
    this.run('fill', 'fill', {}, [['u', n], ['u', bits >>> 0]], [out], this.grid1(Math.ceil(n / WG), 'fill'));
  }

  private optWords(v: Partial<Record<'n' | 'acc' | 'maxNorm' | 'marker' | 'lr' | 'beta1' | 'beta2' | 'eps' | 'wd' | 'bc1' | 'bc2' | 'chunk', number>>): Word[] {
    return [
      ['u', v.n ?? 0], ['u', v.acc ?? 0], ['f', v.maxNorm ?? 0], ['u', v.marker ?? 0],
      ['f', v.lr ?? 0], ['f', v.beta1 ?? 0], ['f', v.beta2 ?? 0], ['f', v.eps ?? 0],
      ['f', v.wd ?? 0], ['f', v.bc1 ?? 1], ['f', v.bc2 ?? 1], ['u', v.chunk ?? 0],
    ];
  }

  private convWords(bh: number, heads: number, n: number, d: number, k: number, acc: boolean): Word[] {
    return [['u', bh], ['u', heads], ['u', n], ['u', d], ['u', k], ['u', Math.floor(k / 2)], ['u', acc ? 1 : 0]];
  }

  private checkConv(op: string, bh: number, heads: number, k: number): void {
    if (!Number.isInteger(heads) || heads < 1 || bh % heads !== 0) throw new Error(`${op}: bh = ${bh} must be a multiple of heads = ${heads}`);
    if (!Number.isInteger(k) || k < 1) throw new Error(`${op}: kernel length k = ${k} must be a positive integer`);
  }

  /** Workgroups for `count` independent groups: x up to the per-dimension limit, the rest in y. */
  private grid1(count: number, op: string): [number, number, number] {
    if (count <= this.maxPerDim) return [Math.max(1, count), 1, 1];
    const y = Math.ceil(count / this.maxPerDim);
    if (y > this.maxPerDim) throw new GpuLimitError('maxComputeWorkgroupsPerDimension', this.maxPerDim, y, `${op}: ${count} workgroups`);
    return [this.maxPerDim, y, 1];
  }

  private need(op: string, b: Buf, count: number, dtype: DType = 'f32'): void {
    this.pool.entry(b, op);
    if (b.dtype !== dtype) throw new Error(`${op}: buffer "${b.label}" is ${b.dtype}, expected ${dtype}`);
    if (b.size < count) throw new Error(`${op}: buffer "${b.label}" holds ${b.size} elements, needs ${count}`);
  }

  private live(): void {
    if (this.disposed) throw new Error(`${this.label}: the backend was disposed`);
  }

  /** Turn validation errors the device reported since the last check into an exception. */
  private throwNewErrors(where: string): void {
    const errs = this.ctx.uncapturedErrors;
    if (errs.length > this.errorsSeen) {
      const first = errs[this.errorsSeen];
      this.errorsSeen = errs.length;
      throw new GpuValidationError(first.kind, `${first.message} (surfaced at ${where})`);
    }
  }
}
