/**
 * The CPU backend's buffer pool: one owner for every array, with the same byte accounting the
 * WebGPU pool reports (in use and allocated, live and peak, by category), reuse of released
 * arrays of the same dtype and length, and errors that name the buffer on use after free.
 */
import { MEMORY_CATEGORIES, groupLayout, type Buf, type BufGroup, type DType, type MemoryCategory, type MemoryReport } from '../backend';
import { MemoryAccounting } from '../memoryAccounting';

export type CpuArray = Float32Array | Float64Array | Int32Array;

/** A handle to one CPU array; a freed handle keeps no array, so any later use is caught. */
export class CpuBuf implements Buf {
  constructor(
    readonly id: number,
    readonly size: number,
    readonly dtype: DType,
    readonly category: MemoryCategory,
    readonly label: string,
    public data: CpuArray | null,
    /** The group this handle views (`allocGroup`); such arrays are not reused one by one. */
    readonly group: { live: number; bytes: number; whole: CpuBuf | null } | null = null,
  ) {}
}

export class CpuPool {
  private nextId = 1;
  private readonly live = new Map<number, CpuBuf>();
  /** Released arrays by "dtype:size", ready for reuse. */
  private readonly released = new Map<string, CpuArray[]>();
  private readonly accounting = new MemoryAccounting();

  constructor(private readonly floatPrecision: 'f32' | 'f64') {}

  /** Bytes per element of a dtype in this pool (float64 floats take 8). */
  bytesPer(dtype: DType): number {
    return dtype === 'f32' && this.floatPrecision === 'f64' ? 8 : 4;
  }

  alloc(size: number, dtype: DType, category: MemoryCategory, label: string): CpuBuf {
    if (!Number.isInteger(size) || size < 1) throw new Error(`alloc "${label}": size ${size} must be a positive integer`);
    if (dtype !== 'f32' && dtype !== 'i32') throw new Error(`alloc "${label}": dtype ${String(dtype)} is not one of f32, i32`);
    if (!MEMORY_CATEGORIES.includes(category))
      throw new Error(`alloc "${label}": category ${String(category)} is not one of ${MEMORY_CATEGORIES.join(', ')}`);
    const key = `${dtype}:${size}`;
    let data = this.released.get(key)?.pop();
    if (data) {
      data.fill(0);
    } else {
      data = dtype === 'i32' ? new Int32Array(size) : this.floatPrecision === 'f64' ? new Float64Array(size) : new Float32Array(size);
      this.accounting.allocated += size * this.bytesPer(dtype);
    }
    const b = new CpuBuf(this.nextId++, size, dtype, category, label, data);
    this.live.set(b.id, b);
    this.accounting.take(category, size * this.bytesPer(dtype));
    return b;
  }

  /** Parts laid end to end in one zeroed array (see `Backend.allocGroup`): subarray views of it. */
  allocGroup(sizes: readonly number[], dtype: DType, category: MemoryCategory, labels: readonly string[]): BufGroup {
    const { offsets, total } = groupLayout(sizes);
    if (labels.length !== sizes.length) throw new Error(`allocGroup: ${labels.length} labels for ${sizes.length} parts`);
    const arr = dtype === 'i32' ? new Int32Array(total) : this.floatPrecision === 'f64' ? new Float64Array(total) : new Float32Array(total);
    const bytes = total * this.bytesPer(dtype);
    this.accounting.allocated += bytes;
    const group = { live: sizes.length + 1, bytes, whole: null as CpuBuf | null };
    // The whole counts as allocated memory; in use counts the parts.
    const whole = new CpuBuf(this.nextId++, total, dtype, category, `group of ${labels[0]}…`, arr, group);
    group.whole = whole;
    this.live.set(whole.id, whole);
    const parts = sizes.map((n, i) => {
      const b = new CpuBuf(this.nextId++, n, dtype, category, labels[i], arr.subarray(offsets[i], offsets[i] + n), group);
      this.live.set(b.id, b);
      this.accounting.take(category, n * this.bytesPer(dtype));
      return b;
    });
    return { whole, parts, offsets };
  }

  free(b: Buf): void {
    const own = this.live.get(b.id);
    if (!own || own !== b) {
      if (b instanceof CpuBuf && b.data === null) throw new Error(`free: buffer "${b.label}" (#${b.id}) was already freed (double free)`);
      throw new Error(`free: buffer "${b.label}" (#${b.id}) does not belong to this CPU backend`);
    }
    this.live.delete(b.id);
    if (own.group) {
      // A view of a group's array: the array goes with the group's last handle.
      if (own !== own.group.whole) this.accounting.give(b.category, b.size * this.bytesPer(b.dtype));
      if (--own.group.live === 0) this.accounting.allocated -= own.group.bytes;
      own.data = null;
      return;
    }
    this.accounting.give(b.category, b.size * this.bytesPer(b.dtype));
    const key = `${b.dtype}:${b.size}`;
    const list = this.released.get(key) ?? [];
    list.push(own.data!);
    this.released.set(key, list);
    own.data = null;
  }

  /** The array behind a live buffer; `op` names the kernel in the error. */
  get(b: Buf, op: string): CpuArray {
    const own = this.live.get(b.id);
    if (!own || own !== b) {
      if (b instanceof CpuBuf && b.data === null) throw new Error(`${op}: buffer "${b.label}" (#${b.id}) used after free`);
      throw new Error(`${op}: buffer "${b.label}" (#${b.id}) does not belong to this CPU backend`);
    }
    return own.data!;
  }

  report(): MemoryReport {
    return this.accounting.report(this.live.size);
  }

  resetPeak(): void {
    this.accounting.resetPeak();
  }

  dispose(): void {
    for (const b of this.live.values()) b.data = null;
    this.live.clear();
    this.released.clear();
    this.accounting.clear();
  }
}
