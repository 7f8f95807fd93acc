/**
 * The byte accounting both buffer pools report (tfjs buffer_manager style): bytes in use by
 * category, bytes allocated, and the peak with its split by category. One class, so the CPU
 * and WebGPU pools count the same way and the memory chart means the same on both.
 */
import { MEMORY_CATEGORIES, type MemoryCategory, type MemoryReport } from './backend';

function zeroByCategory(): Record<MemoryCategory, number> {
  const r = {} as Record<MemoryCategory, number>;
  for (const c of MEMORY_CATEGORIES) r[c] = 0;
  return r;
}

export class MemoryAccounting {
  private readonly inUse = zeroByCategory();
  /** Bytes held by the pool (live, released for reuse, staging). */
  allocated = 0;
  private peak = 0;
  private peakByCategory = zeroByCategory();

  /** A buffer of `bytes` handed out for `category`. */
  take(category: MemoryCategory, bytes: number): void {
    this.inUse[category] += bytes;
    const total = this.totalInUse();
    if (total > this.peak) {
      this.peak = total;
      this.peakByCategory = { ...this.inUse };
    }
  }

  /** A buffer of `bytes` given back. */
  give(category: MemoryCategory, bytes: number): void {
    this.inUse[category] -= bytes;
  }

  report(liveBuffers: number): MemoryReport {
    return {
      inUse: { ...this.inUse },
      allocated: this.allocated,
      peak: this.peak,
      peakByCategory: { ...this.peakByCategory },
      liveBuffers,
    };
  }

  resetPeak(): void {
    this.peak = this.totalInUse();
    this.peakByCategory = { ...this.inUse };
  }

  clear(): void {
    for (const c of MEMORY_CATEGORIES) this.inUse[c] = 0;
    this.allocated = 0;
  }

  private totalInUse(): number {
    let t = 0;
    for (const c of MEMORY_CATEGORIES) t += this.inUse[c];
    return t;
  }
}
