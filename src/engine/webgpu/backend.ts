/**
 * The WebGPU backend: every `Backend` method is one WGSL dispatch (two or three for the
 * deterministic two-stage reductions), recorded by `Recorder` into one command encoder and one
 * compute pass and submitted on `flush()` or `read()`. Nothing here waits on the GPU except
 * `read()` (and `timing()`, which is asked for). The kernels live in one module per family
 * (`kernels/*.ts`, each beside its WGSL); this class owns the device state and delegates.
 *
 * - Buffers come from one `BufferPool` (size classes, byte accounting by category).
 * - `write()` submits recorded work first, so a write is never reordered before earlier kernels.
 * - A released buffer handed out again keeps its old contents unless `reusedBuffers` asks for
 *   zeros or NaN poison (tests use poison to catch code that relies on zeroed memory).
 * - Input checks name the op, the buffer and the sizes; the device's own validation errors throw at the next `read()`.
 */
import type {
  AttentionGradTargets,
  AttentionParams,
  AdamWParams,
  Backend,
  BinaryOp,
  Buf,
  BufGroup,
  BufferLimits,
  DType,
  Dims4,
  MatmulParams,
  MemoryCategory,
  MemoryReport,
  ReduceOp,
  UnaryGradOp,
  UnaryOp,
} from '../backend';
import type { GpuContext } from './device';
import { Dispatcher } from './dispatcher';
import { GpuValidationError } from './errors';
import * as attention from './kernels/attention';
import * as copy from './kernels/copy';
import * as dconv from './kernels/dconv';
import * as dropout from './kernels/dropout';
import * as elementwise from './kernels/elementwise';
import * as embedding from './kernels/embedding';
import * as layerNorm from './kernels/layerNorm';
import * as lsh from './kernels/lsh';
import * as matmul from './kernels/matmul';
import * as normalize from './kernels/normalize';
import * as shifted from './kernels/shiftedProduct';
import * as pinvInit from './kernels/pinvInit';
import * as linear from './kernels/linear';
import { columnSums } from './kernels/columnSums';
import * as optimizer from './kernels/optimizer';
import * as reduce from './kernels/reduce';
import * as softmax from './kernels/softmax';
import { LinearChoice } from './autotune/linearChoice';
import { MatmulTable } from './autotune/matmulTable';
import { RowTable } from './autotune/rowTable';
import { chooseMatmulKernel, type MatmulKernel } from './matmulChoice';
import { resolveOptions, type WebGpuBackendOptions } from './options';
import { BufferPool } from './pool';
import { Recorder } from './recorder';
import { KernelTimer, type TimingReport } from './timing';
import { readBack, uploadArray } from './transfer';

export type { WebGpuBackendOptions } from './options';

/** A quiet NaN as f32 bits (poisoned reused buffers). */
const NAN_BITS = 0x7fc00000;

export class WebGpuBackend implements Backend {
  readonly kind = 'webgpu' as const;
  readonly label: string;
  readonly pool: BufferPool;
  readonly timer: KernelTimer;
  /** One invocation per row and few reduction workgroups (see `rowKernels`). */
  readonly serialRows: boolean;
  /** Matrix-product choices tuned for this adapter, by shape class (empty: the rule decides). */
  readonly matmulTable = new MatmulTable();
  /** Softmax row layouts tuned for this adapter, by shape class (empty: the rule decides). */
  readonly rowTable = new RowTable();
  /** The fused Linear's kernel: the tuned matmul choice of its product's class, else a rule (autotune/linearChoice.ts). */
  readonly linearChoice: LinearChoice;
  private readonly device: GPUDevice;
  private readonly matmulChoice: 'auto' | MatmulKernel;
  private readonly recorder: Recorder;
  private readonly reused: 'uninitialized' | 'zeroed' | 'poisoned';
  private readonly d: Dispatcher;
  private readonly bufferLimits: BufferLimits;
  private errorsSeen = 0;

  constructor(
    readonly ctx: GpuContext,
    opts: WebGpuBackendOptions = {},
  ) {
    this.device = ctx.device;
    const o = resolveOptions(ctx, opts);
    this.label = o.dispatch.label;
    this.serialRows = o.dispatch.serialRows;
    this.matmulChoice = o.matmulChoice;
    this.linearChoice = new LinearChoice(o.matmulChoice === 'auto' ? this.matmulTable : null, ctx.report.isFallback);
    this.reused = o.reused;
    const lim = this.device.limits;
    this.bufferLimits = Object.freeze({ maxStorageBufferBindingSize: lim.maxStorageBufferBindingSize, maxBufferSize: lim.maxBufferSize });
    this.pool = new BufferPool(this.device, this.bufferLimits);
    this.timer = new KernelTimer(this.device, this.pool, o.timing);
    this.recorder = new Recorder(this.device, this.pool, this.timer, o.uniformSlots);
    this.d = new Dispatcher(this.pool, this.recorder, o.dispatch);
  }

  /** Whether the row kernels may reduce through subgroups (the option was given and the device has the feature). */
  get subgroupsEnabled(): boolean {
    return this.d.subgroups;
  }

  /** How the row kernels reduce across a row: one invocation per row, subgroups, or a workgroup barrier tree. */
  get rowReduction(): 'serial' | 'subgroups' | 'workgroup tree' {
    return this.serialRows ? 'serial' : this.d.subgroups ? 'subgroups' : 'workgroup tree';
  }

  /** The pipelines built so far, as `shader.entry(constants)` (tests use them to see which kernel versions ran). */
  builtPipelines(): string[] {
    return this.recorder.pipelines.builtKeys();
  }

  /** How many command buffers were submitted so far (tests use it to show batching). */
  get submitCount(): number {
    return this.recorder.submissions;
  }

  /** How many dispatches were recorded so far (the step benchmark reports them per step). */
  get dispatchCount(): number {
    return this.recorder.dispatches;
  }

  /** Bytes bound by every dispatch so far (an upper bound on bytes moved; see `Recorder.bytesBound`). */
  get bytesBound(): number {
    return this.recorder.bytesBound;
  }

  /** Bytes uploaded by `write()` so far (batches, loaded weights). */
  bytesWritten = 0;

  /** Dispatches so far by kernel (`shader.entry` → count). */
  dispatchesByKernel(): Map<string, number> {
    return new Map(this.recorder.byKernel);
  }

  /** How many zero fills were recorded as buffer clears instead of dispatches. */
  get clearCount(): number {
    return this.recorder.clears;
  }

  /** The device's per-buffer limits (the model checks its largest buffer against them). */
  limits(): BufferLimits {
    return this.bufferLimits;
  }

  /** The matrix-product kernel this backend uses for `p`: forced by the options, else tuned, else the rule. */
  matmulKernelFor(p: MatmulParams): MatmulKernel {
    if (this.matmulChoice !== 'auto') return this.matmulChoice;
    return this.matmulTable.lookup(p)?.kernel ?? chooseMatmulKernel(p, this.ctx.report.isFallback);
  }

  /** Per-kernel GPU times recorded so far (reads the resolved timestamps; waits for the GPU). */
  async timing(): Promise<TimingReport> {
    this.flush();
    return this.timer.report();
  }

  // ---------- memory ----------
  alloc(size: number, dtype: DType, category: MemoryCategory, label: string): Buf {
    this.d.live();
    const { buf, fresh } = this.pool.alloc(size, dtype, category, label);
    if (!fresh && this.reused !== 'uninitialized') copy.fillBits(this.d, buf, this.reused === 'zeroed' ? 0 : NAN_BITS, size);
    return buf;
  }

  allocGroup(sizes: readonly number[], dtype: DType, category: MemoryCategory, labels: readonly string[]): BufGroup {
    this.d.live();
    const { whole, parts, offsets, fresh } = this.pool.allocGroup(sizes, dtype, category, labels);
    // The gaps between parts must read as zeros (a kernel over the whole sums or updates them too).
    if (!fresh) copy.fill(this.d, whole, 0);
    return { whole, parts, offsets };
  }

  free(b: Buf): void {
    this.pool.free(b);
  }

  write(b: Buf, data: ArrayLike<number>, elementOffset = 0): void {
    const e = this.pool.entry(b, 'write');
    if (!Number.isInteger(elementOffset) || elementOffset < 0 || elementOffset + data.length > b.size)
      throw new Error(`write: ${data.length} elements at offset ${elementOffset} do not fit buffer "${b.label}" of ${b.size}`);
    if (data.length === 0) return;
    const typed = uploadArray(b, data);
    // Earlier kernels may read this buffer: submit them before the queue write lands.
    this.flush();
    this.device.queue.writeBuffer(e.buffer, e.offset + elementOffset * 4, typed.buffer, typed.byteOffset, typed.byteLength);
    this.bytesWritten += typed.byteLength;
  }

  async read(b: Buf): Promise<Float32Array | Int32Array> {
    const data = await readBack(this.pool, this.recorder, b);
    this.throwNewErrors(`read "${b.label}"`);
    return data;
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

  async settled(): Promise<void> {
    this.flush();
    await this.device.queue.onSubmittedWorkDone();
  }

  dispose(): void {
    if (this.d.isDisposed) return;
    this.flush();
    this.d.dispose();
    this.timer.dispose();
    this.pool.dispose();
    this.recorder.pipelines.clear();
  }

  /** Give released buffers back to the device (after evaluation at another length, say); returns the bytes freed. */
  trim(): number {
    this.flush();
    // Cached bind groups may name the destroyed buffers.
    this.recorder.pipelines.dropBindGroups();
    return this.pool.trim();
  }

  // ---------- kernels: one family module each (kernels/*.ts) ----------
  fill(out: Buf, value: number): void {
    copy.fill(this.d, out, value);
  }
  eye(out: Buf, batch: number, m: number, scale: number): void {
    copy.eye(this.d, out, batch, m, scale);
  }
  copyStrided(
    src: Buf,
    dst: Buf,
    shape: Dims4,
    srcStrides: Dims4,
    srcOffset: number,
    dstStrides: Dims4,
    dstOffset: number,
    alpha: number,
    accumulate: boolean,
  ): void {
    copy.copyStrided(this.d, src, dst, shape, srcStrides, srcOffset, dstStrides, dstOffset, alpha, accumulate);
  }
  binary(op: BinaryOp, a: Buf, b: Buf, out: Buf, shape: Dims4, aStrides: Dims4, bStrides: Dims4): void {
    elementwise.binary(this.d, op, a, b, out, shape, aStrides, bStrides);
  }
  unary(op: UnaryOp, x: Buf, out: Buf, alpha = 1, beta = 0): void {
    elementwise.unary(this.d, op, x, out, alpha, beta);
  }
  unaryGrad(op: UnaryGradOp, x: Buf, dy: Buf, dx: Buf, accumulate: boolean): void {
    elementwise.unaryGrad(this.d, op, x, dy, dx, accumulate);
  }
  reduce(op: ReduceOp, x: Buf, out: Buf, outer: number, len: number, inner: number, alpha: number, accumulate: boolean): void {
    reduce.reduce(this.d, op, x, out, outer, len, inner, alpha, accumulate);
  }
  reduceMaxBackward(x: Buf, y: Buf, dy: Buf, dx: Buf, outer: number, len: number, inner: number, accumulate: boolean): void {
    reduce.reduceMaxBackward(this.d, x, y, dy, dx, outer, len, inner, accumulate);
  }
  matmul(a: Buf, b: Buf, out: Buf, p: MatmulParams): void {
    const tuned = this.matmulChoice === 'auto' ? this.matmulTable.lookup(p) : undefined; // one lookup; brings reg4's side
    const kernel = tuned?.kernel ?? (this.matmulChoice === 'auto' ? chooseMatmulKernel(p, this.ctx.report.isFallback) : this.matmulChoice);
    matmul.matmulWith(this.d, kernel, a, b, out, p, tuned?.rw || undefined);
  }
  /** The matrix product with a named kernel version and reg4 side (the benchmark, the tuner and tests call each one). */
  matmulWith(kernel: MatmulKernel, a: Buf, b: Buf, out: Buf, p: MatmulParams, rw?: number): void {
    matmul.matmulWith(this.d, kernel, a, b, out, p, rw);
  }
  softmax(x: Buf, out: Buf, rows: number, cols: number): void {
    softmax.softmax(this.d, x, out, rows, cols, this.rowTable.lookup(rows, cols));
  }
  softmaxBackward(y: Buf, dy: Buf, dx: Buf, rows: number, cols: number, accumulate: boolean): void {
    softmax.softmaxBackward(this.d, y, dy, dx, rows, cols, accumulate, this.rowTable.lookup(rows, cols));
  }
  /** Softmax with a named row layout (the tuner and tests call each one). */
  softmaxWith(cfg: softmax.RowLayout, x: Buf, out: Buf, rows: number, cols: number): void {
    softmax.softmax(this.d, x, out, rows, cols, cfg);
  }
  softmaxBackwardWith(cfg: softmax.RowLayout, y: Buf, dy: Buf, dx: Buf, rows: number, cols: number): void {
    softmax.softmaxBackward(this.d, y, dy, dx, rows, cols, false, cfg);
  }
  crossEntropy(logits: Buf, labels: Buf, lossRows: Buf, dlogits: Buf | null, rows: number, classes: number, gradScale: number): void {
    softmax.crossEntropy(this.d, logits, labels, lossRows, dlogits, rows, classes, gradScale);
  }
  shiftedProduct(a: Buf, b: Buf, out: Buf, batch: number, m: number, shift: number, alpha: number): void {
    shifted.shiftedProduct(this.d, a, b, out, batch, m, shift, alpha);
  }
  l2Normalize(x: Buf, out: Buf, norm: Buf, rows: number, cols: number, eps: number): void {
    normalize.l2Normalize(this.d, x, out, norm, rows, cols, eps);
  }
  l2NormalizeBackward(y: Buf, norm: Buf, dy: Buf, dx: Buf, rows: number, cols: number, accumulate: boolean): void {
    normalize.l2NormalizeBackward(this.d, y, norm, dy, dx, rows, cols, accumulate);
  }
  pinvInit(a: Buf, dropped: Buf | null, z: Buf, aux: Buf, batch: number, m: number): void {
    pinvInit.pinvInit(this.d, a, dropped, z, aux, batch, m);
  }
  pinvInitBackward(a: Buf, z: Buf, aux: Buf, g: Buf, da: Buf, batch: number, m: number, accumulate: boolean): void {
    pinvInit.pinvInitBackward(this.d, a, z, aux, g, da, batch, m, accumulate);
  }
  linear(x: Buf, w: Buf, bias: Buf, out: Buf, rows: number, k: number, n: number, heads: number, seq: number): void {
    linear.linear(this.d, x, w, bias, out, rows, k, n, heads, seq, this.linearChoice.pick(rows, k, n));
  }
  columnSums(x: Buf, out: Buf, rows: number, cols: number, accumulate: boolean): void {
    columnSums(this.d, x, out, rows, cols, accumulate);
  }
  layerNorm(x: Buf, gamma: Buf, beta: Buf, out: Buf, mean: Buf, rstd: Buf, rows: number, cols: number, eps: number): void {
    layerNorm.layerNorm(this.d, x, gamma, beta, out, mean, rstd, rows, cols, eps);
  }
  layerNormBackward(
    x: Buf,
    gamma: Buf,
    mean: Buf,
    rstd: Buf,
    dy: Buf,
    dx: Buf,
    dgamma: Buf,
    dbeta: Buf,
    rows: number,
    cols: number,
    accumulateDx: boolean,
  ): void {
    layerNorm.layerNormBackward(this.d, x, gamma, mean, rstd, dy, dx, dgamma, dbeta, rows, cols, accumulateDx);
  }
  gather(table: Buf, ids: Buf, out: Buf, count: number, dim: number): void {
    embedding.gather(this.d, table, ids, out, count, dim);
  }
  scatterAdd(ids: Buf, dy: Buf, dtable: Buf, count: number, dim: number): void {
    embedding.scatterAdd(this.d, ids, dy, dtable, count, dim);
  }
  dconv(x: Buf, w: Buf, out: Buf, bh: number, heads: number, n: number, d: number, k: number): void {
    dconv.dconv(this.d, x, w, out, bh, heads, n, d, k);
  }
  dconvBackward(x: Buf, w: Buf, dy: Buf, dx: Buf | null, dw: Buf | null, bh: number, heads: number, n: number, d: number, k: number): void {
    dconv.dconvBackward(this.d, x, w, dy, dx, dw, bh, heads, n, d, k);
  }
  lshHash(rotated: Buf, mask: Buf, buckets: Buf, batch: number, heads: number, n: number, rounds: number, half: number): void {
    lsh.lshHash(this.d, rotated, mask, buckets, batch, heads, n, rounds, half);
  }
  bucketSort(buckets: Buf, sorted: Buf, undo: Buf, rows: number, n: number, numBuckets: number): void {
    lsh.bucketSort(this.d, buckets, sorted, undo, rows, n, numBuckets);
  }
  attention(q: Buf, k: Buf, v: Buf, bias: Buf | null, out: Buf, lse: Buf, p: AttentionParams): void {
    attention.attention(this.d, q, k, v, bias, out, lse, p);
  }
  attentionBackward(
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
    attention.attentionBackward(this.d, q, k, v, bias, out, lse, dout, g, p);
  }
  dropoutApply(x: Buf, y: Buf, mask: Buf, seed: number, offset: number, p: number, scale: number): void {
    dropout.dropoutApply(this.d, x, y, mask, seed, offset, p, scale);
  }
  dropoutMask(out: Buf, seed: number, offset: number, p: number, scale: number): void {
    dropout.dropoutMask(this.d, out, seed, offset, p, scale);
  }
  sumSquares(x: Buf, out: Buf, accumulate: boolean): void {
    optimizer.sumSquares(this.d, x, out, accumulate);
  }
  clipCoefficient(sumSq: Buf, out: Buf, maxNorm: number): void {
    optimizer.clipCoefficient(this.d, sumSq, out, maxNorm);
  }
  adamw(param: Buf, grad: Buf, m: Buf, v: Buf, gradScale: Buf | null, p: AdamWParams, decayBlocks: Buf | null = null): void {
    optimizer.adamw(this.d, param, grad, m, v, gradScale, p, decayBlocks);
  }
  checkFinite(x: Buf, out: Buf): void {
    optimizer.checkFinite(this.d, x, out);
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
