/**
 * The one owner of every GPU buffer the WebGPU backend uses (in the style of tfjs-backend-webgpu's
 * `buffer_manager.ts`): storage buffers are handed out by size class and reused after `free()`,
 * read-back staging buffers are pooled the same way, and bytes are counted in use / allocated,
 * live and peak, by category — exactly the `MemoryReport` of the backend contract.
 *
 * Accounting follows the CPU pool: `inUse` counts the bytes the caller asked for (size × 4) of
 * live handles; `allocated` counts the bytes of every GPU buffer the pool holds (live, released
 * for reuse, and staging), which is ≥ `inUse` because of size classes.
 */
import { MEMORY_CATEGORIES, groupLayout, type Buf, type BufGroup, type DType, type MemoryCategory, type MemoryReport } from '../backend';
import { MemoryAccounting } from '../memoryAccounting';
import { GpuBufferStateError, GpuLimitError } from './errors';

/** Smallest buffer the pool creates (bytes); also the size-class granularity for tiny tensors. */
const MIN_CLASS_BYTES = 256;

/**
 * The size class of a request: the next of 2^e·{1, 1.25, 1.5, 1.75} at or above `bytes`, so a
 * released buffer serves any later request within 25% of its size. Never above `limit`
 * (a request that fits the limit gets at most the limit).
 */
export function sizeClass(bytes: number, limit: number): number {
  if (bytes <= MIN_CLASS_BYTES) return MIN_CLASS_BYTES;
  const e = Math.floor(Math.log2(bytes));
  const base = 2 ** e;
  const step = base / 4;
  const cls = Math.ceil(bytes / step) * step;
  return Math.min(cls, Math.max(limit - (limit % 4), bytes));
}

/** A live (or freed) handle to pooled GPU memory. */
export class GpuBuf implements Buf {
  /** Null once freed: any later use throws, naming the label. */
  public entry: PoolEntry | null;
  constructor(
    readonly id: number,
    readonly size: number,
    readonly dtype: DType,
    readonly category: MemoryCategory,
    readonly label: string,
    entry: PoolEntry,
    readonly owner: BufferPool,
  ) {
    this.entry = entry;
  }
}

/**
 * One GPU buffer held by the pool, or one part of a group (`allocGroup`): the bytes
 * [offset, offset + bytes) of `buffer`. `key` is stable for its lifetime (bind-group cache key).
 */
export interface PoolEntry {
  readonly key: number;
  readonly buffer: GPUBuffer;
  readonly bytes: number;
  readonly offset: number;
  /** The group the entry belongs to: its buffer returns to the pool with the group's last handle. */
  readonly group?: { live: number; entry: PoolEntry };
  /** The group's whole (not counted in use: its parts are). */
  readonly groupWhole?: boolean;
}

export interface PoolLimits {
  maxStorageBufferBindingSize: number;
  maxBufferSize: number;
}

export class BufferPool {
  private nextId = 1;
  private nextKey = 1;
  private readonly live = new Map<number, GpuBuf>();
  /** Released storage buffers by class size. */
  private readonly released = new Map<number, PoolEntry[]>();
  private readonly releasedStaging = new Map<number, GPUBuffer[]>();
  private readonly accounting = new MemoryAccounting();
  private readonly everyBuffer = new Set<GPUBuffer>();
  /** How many GPU buffers were created, ever (tests use it to show reuse). */
  created = 0;

  constructor(
    private readonly device: GPUDevice,
    private readonly limits: PoolLimits,
  ) {}

  /** The largest storage binding, in bytes (the smaller of the two device limits). */
  get maxBindingBytes(): number {
    return Math.min(this.limits.maxStorageBufferBindingSize, this.limits.maxBufferSize);
  }

  /**
   * A buffer of `size` elements. `fresh` is true when the GPU buffer is new (so WebGPU zeroed
   * it); a reused one holds old data and the backend clears it.
   */
  alloc(size: number, dtype: DType, category: MemoryCategory, label: string): { buf: GpuBuf; fresh: boolean } {
    const what = `alloc "${label}" (${category})`;
    if (!Number.isInteger(size) || size < 1) throw new Error(`${what}: size ${size} must be a positive integer`);
    if (dtype !== 'f32' && dtype !== 'i32') throw new Error(`${what}: dtype ${String(dtype)} is not one of f32, i32`);
    if (!MEMORY_CATEGORIES.includes(category))
      throw new Error(`${what}: category ${String(category)} is not one of ${MEMORY_CATEGORIES.join(', ')}`);
    const bytes = size * 4;
    if (bytes > this.limits.maxStorageBufferBindingSize)
      throw new GpuLimitError('maxStorageBufferBindingSize', this.limits.maxStorageBufferBindingSize, bytes, `${what}, ${size} elements`);
    if (bytes > this.limits.maxBufferSize)
      throw new GpuLimitError('maxBufferSize', this.limits.maxBufferSize, bytes, `${what}, ${size} elements`);
    const cls = sizeClass(bytes, this.maxBindingBytes);
    let entry = this.released.get(cls)?.pop();
    const fresh = entry === undefined;
    const gpuLabel = `${category}:${label}`;
    if (entry) {
      entry.buffer.label = gpuLabel;
    } else {
      const buffer = this.device.createBuffer({
        label: gpuLabel,
        size: cls,
        usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST,
      });
      this.everyBuffer.add(buffer);
      this.created++;
      entry = { key: this.nextKey++, buffer, bytes: cls, offset: 0 };
      this.accounting.allocated += cls;
    }
    const buf = new GpuBuf(this.nextId++, size, dtype, category, label, entry, this);
    this.live.set(buf.id, buf);
    this.accounting.take(category, bytes);
    return { buf, fresh };
  }

  /**
   * Parts laid end to end in one buffer from the pool (see `Backend.allocGroup`), each bound at
   * its own offset; the whole (counted as allocated, not in use) spans them all. `fresh` as for
   * `alloc`: a reused buffer must be cleared by the caller.
   */
  allocGroup(sizes: readonly number[], dtype: DType, category: MemoryCategory, labels: readonly string[]): BufGroup & { fresh: boolean } {
    const { offsets, total } = groupLayout(sizes);
    if (labels.length !== sizes.length) throw new Error(`allocGroup: ${labels.length} labels for ${sizes.length} parts`);
    const { buf: base, fresh } = this.alloc(total, dtype, category, `group of ${labels[0]}…`);
    const entry = base.entry!;
    this.accounting.give(category, total * 4);
    const group = { live: sizes.length + 1, entry };
    const handle = (size: number, label: string, offset: number, bytes: number, groupWhole: boolean) => {
      const e: PoolEntry = { key: this.nextKey++, buffer: entry.buffer, bytes, offset, group, groupWhole };
      const b = new GpuBuf(this.nextId++, size, dtype, category, label, e, this);
      this.live.set(b.id, b);
      return b;
    };
    this.live.delete(base.id);
    base.entry = null;
    const whole = handle(total, base.label, 0, total * 4, true);
    const parts = sizes.map((n, i) => {
      this.accounting.take(category, n * 4);
      return handle(n, labels[i], offsets[i] * 4, n * 4, false);
    });
    return { whole, parts, offsets, fresh };
  }

  /** Return a buffer for reuse; a second free, or a foreign handle, throws naming the label. */
  free(b: Buf): void {
    const own = this.owned(b, 'free');
    const part = own.entry!;
    own.entry = null;
    this.live.delete(own.id);
    let entry = part;
    if (part.group) {
      // A part of a group (the whole is not counted in use): the buffer goes back with the last handle.
      if (!part.groupWhole) this.accounting.give(own.category, own.size * 4);
      if (--part.group.live > 0) return;
      entry = part.group.entry;
    } else this.accounting.give(own.category, own.size * 4);
    const list = this.released.get(entry.bytes) ?? [];
    entry.buffer.label = `released:${own.label}`;
    list.push(entry);
    this.released.set(entry.bytes, list);
  }

  /** The pool entry behind a live handle; `op` names the kernel in the error. */
  entry(b: Buf, op: string): PoolEntry {
    return this.owned(b, op).entry!;
  }

  /** A MAP_READ staging buffer of at least `bytes` (pooled by size class). */
  acquireStaging(bytes: number, label: string): GPUBuffer {
    const cls = sizeClass(bytes, Math.max(bytes, this.limits.maxBufferSize));
    const got = this.releasedStaging.get(cls)?.pop();
    if (got) {
      got.label = `staging:${label}`;
      return got;
    }
    const buffer = this.device.createBuffer({
      label: `staging:${label}`,
      size: cls,
      usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST,
    });
    this.everyBuffer.add(buffer);
    this.created++;
    this.accounting.allocated += cls;
    return buffer;
  }

  /**
   * A long-lived buffer the backend itself needs (the uniform ring, the timestamp resolve
   * buffer): created once, counted in `allocated`, destroyed by `dispose()`.
   */
  createOwned(desc: GPUBufferDescriptor): GPUBuffer {
    const buffer = this.device.createBuffer(desc);
    this.everyBuffer.add(buffer);
    this.created++;
    this.accounting.allocated += desc.size;
    return buffer;
  }

  /**
   * A storage buffer the backend keeps for itself (scratch for two-stage reductions): not a
   * caller's handle, so it is counted in `allocated` but not in `inUse` or `liveBuffers`.
   * `previous`, if given, is destroyed (the caller has submitted the work that used it).
   */
  internalStorage(bytes: number, label: string, previous?: PoolEntry): PoolEntry {
    if (bytes > this.maxBindingBytes)
      throw new GpuLimitError('maxStorageBufferBindingSize', this.maxBindingBytes, bytes, `internal scratch "${label}"`);
    if (previous) {
      previous.buffer.destroy();
      this.everyBuffer.delete(previous.buffer);
      this.accounting.allocated -= previous.bytes;
    }
    const buffer = this.createOwned({
      label: `internal:${label}`,
      size: bytes,
      usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST,
    });
    return { key: this.nextKey++, buffer, bytes, offset: 0 };
  }

  /** Give an unmapped staging buffer back for reuse. */
  releaseStaging(buffer: GPUBuffer): void {
    const list = this.releasedStaging.get(buffer.size) ?? [];
    list.push(buffer);
    this.releasedStaging.set(buffer.size, list);
  }

  /**
   * Destroy every released (not live) buffer, staging included, and return how many bytes that
   * gave back. The caller must have submitted any recorded work that used them.
   */
  trim(): number {
    let freed = 0;
    for (const list of this.released.values())
      for (const e of list) {
        e.buffer.destroy();
        this.everyBuffer.delete(e.buffer);
        freed += e.bytes;
      }
    for (const list of this.releasedStaging.values())
      for (const b of list) {
        b.destroy();
        this.everyBuffer.delete(b);
        freed += b.size;
      }
    this.released.clear();
    this.releasedStaging.clear();
    this.accounting.allocated -= freed;
    return freed;
  }

  report(): MemoryReport {
    return this.accounting.report(this.live.size);
  }

  resetPeak(): void {
    this.accounting.resetPeak();
  }

  /** Destroy every GPU buffer; every handle becomes invalid. */
  dispose(): void {
    for (const b of this.live.values()) b.entry = null;
    this.live.clear();
    this.released.clear();
    this.releasedStaging.clear();
    for (const buffer of this.everyBuffer) buffer.destroy();
    this.everyBuffer.clear();
    this.accounting.clear();
  }

  private owned(b: Buf, op: string): GpuBuf {
    if (!(b instanceof GpuBuf) || b.owner !== this) throw new GpuBufferStateError(op, b.label, 'not owned by this WebGPU backend');
    if (b.entry === null) throw new GpuBufferStateError(op, b.label, op === 'free' ? 'freed twice (double free)' : 'used after free');
    return b;
  }
}
