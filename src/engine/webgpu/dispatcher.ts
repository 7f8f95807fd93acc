/**
 * What every kernel family (`kernels/*.ts`) shares: recording a dispatch through the
 * `Recorder`, input checks that name the op and the buffer, grid folding past the
 * per-dimension limit, and the scratch of the two-stage reductions. The families are plain
 * functions of a `Dispatcher`; `WebGpuBackend` owns one and delegates to them.
 */
import type { Buf, DType, Dims4 } from '../backend';
import { GpuLimitError } from './errors';
import type { BufferPool, PoolEntry } from './pool';
import type { Recorder } from './recorder';
import type { Kernel } from './shader';

/** Threads of the 1-D elementwise kernels. */
export const WG = 256;

/** Override constants of a kernel that has none (shared, so a dispatch allocates nothing for them). */
export const NO_CONSTANTS: Record<string, number> = Object.freeze({});

/** Workgroup size of the row kernels (one workgroup per row): a power of two in [32, 256] near the row length. */
export function rowWorkgroup(cols: number): number {
  let w = 32;
  while (w < cols && w < 256) w *= 2;
  return w;
}

const ROW_CONSTANTS = new Map<number, Record<string, number>>();

/** `{ WG: rowWorkgroup(cols) }`, built once per workgroup size, so a dispatch allocates none. */
export function rowConstants(cols: number): Record<string, number> {
  const wg = rowWorkgroup(cols);
  let c = ROW_CONSTANTS.get(wg);
  if (!c) {
    c = Object.freeze({ WG: wg });
    ROW_CONSTANTS.set(wg, c);
  }
  return c;
}

/**
 * Rows per chunk for a two-stage reduction over `len` rows with `blocks` workgroups per chunk:
 * about `target` workgroups in all (1024 fills a large GPU), at least `minChunk` rows per chunk.
 */
export function chunking(len: number, blocks: number, minChunk = 64, target = 1024): { chunk: number; chunks: number } {
  const want = Math.max(1, Math.min(Math.ceil(target / blocks), Math.ceil(len / minChunk)));
  const chunk = Math.ceil(len / want);
  return { chunk, chunks: Math.ceil(len / chunk) };
}

/** Elements a strided view reaches: the last index it touches, plus one. */
export function span(shape: Dims4, strides: Dims4, offset: number): number {
  let last = offset;
  for (let d = 0; d < 4; d++) last += (shape[d] - 1) * strides[d];
  return last + 1;
}

export interface DispatcherOptions {
  /** The backend's label, for the use-after-dispose message. */
  label: string;
  /** Workgroups per grid dimension before a dispatch folds into a second dimension. */
  maxPerDim: number;
  /** One invocation per row and few reduction workgroups (see `rowKernels`). */
  serialRows: boolean;
  /** Workgroups a two-stage reduction aims for. */
  reductionTarget: number;
  /** Side of the reg4 matmul's square workgroup (see matmul.wgsl). */
  reg4Workgroup: number;
  /** Workgroup reductions of the row kernels through subgroups (subgroups.ts checked the layout). */
  subgroups: boolean;
}

export class Dispatcher {
  readonly maxPerDim: number;
  readonly serialRows: boolean;
  readonly reductionTarget: number;
  readonly reg4Workgroup: number;
  readonly subgroups: boolean;
  private readonly label: string;
  private disposed = false;
  /** Scratch of the two-stage reductions (see `partials`). */
  private partialBuf: PoolEntry | null = null;

  constructor(
    readonly pool: BufferPool,
    readonly recorder: Recorder,
    opts: DispatcherOptions,
  ) {
    this.label = opts.label;
    this.maxPerDim = opts.maxPerDim;
    this.serialRows = opts.serialRows;
    this.reductionTarget = opts.reductionTarget;
    this.reg4Workgroup = opts.reg4Workgroup;
    this.subgroups = opts.subgroups;
  }

  /** Record one dispatch; caller handles are checked here (use after free names the label). */
  run<K extends Kernel>(
    opName: string,
    kernel: K,
    constants: Record<string, number>,
    values: Parameters<K['shader']['uniforms']['pack']>[2],
    bufs: readonly (Buf | PoolEntry)[],
    grid: readonly number[],
  ): void {
    this.live();
    const entries = bufs.map((b) => ('key' in b ? b : this.pool.entry(b, opName)));
    for (const b of bufs) this.recorder.bytesBound += 'key' in b ? b.bytes : b.size * 4;
    this.recorder.dispatch(opName, kernel, constants, values, entries, grid);
  }

  /**
   * The backend's own scratch for two-stage reductions (counted in `allocated`, not as a live
   * handle), grown when a reduction needs more; shared by all of them, since dispatches in one
   * stream run in order.
   */
  partials(n: number): PoolEntry {
    const bytes = n * 4;
    if (!this.partialBuf || this.partialBuf.bytes < bytes) {
      // The old buffer may be named by recorded work: submit that before it is destroyed.
      if (this.partialBuf) this.recorder.flush();
      const size = Math.min(Math.max(bytes, 2 * (this.partialBuf?.bytes ?? 0), 4096), Math.max(bytes, this.pool.maxBindingBytes));
      this.partialBuf = this.pool.internalStorage(size, 'backend.partials', this.partialBuf ?? undefined);
      this.recorder.pipelines.dropBindGroups();
    }
    return this.partialBuf;
  }

  /** Workgroups for `count` independent groups: x up to the per-dimension limit, the rest in y. */
  grid1(count: number, op: string): [number, number, number] {
    if (count <= this.maxPerDim) return [Math.max(1, count), 1, 1];
    const y = Math.ceil(count / this.maxPerDim);
    if (y > this.maxPerDim) throw new GpuLimitError('maxComputeWorkgroupsPerDimension', this.maxPerDim, y, `${op}: ${count} workgroups`);
    return [this.maxPerDim, y, 1];
  }

  /** Check that `b` is live, of `dtype`, and holds at least `count` elements. */
  need(op: string, b: Buf, count: number, dtype: DType = 'f32'): void {
    this.pool.entry(b, op);
    if (b.dtype !== dtype) throw new Error(`${op}: buffer "${b.label}" is ${b.dtype}, expected ${dtype}`);
    if (b.size < count) throw new Error(`${op}: buffer "${b.label}" holds ${b.size} elements, needs ${count}`);
  }

  /** Throw if the backend was disposed. */
  live(): void {
    if (this.disposed) throw new Error(`${this.label}: the backend was disposed`);
  }

  dispose(): void {
    this.disposed = true;
  }

  get isDisposed(): boolean {
    return this.disposed;
  }
}
