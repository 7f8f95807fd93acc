/**
 * Per-kernel GPU time through `timestamp-query`: when enabled, the backend gives every dispatch
 * its own compute pass whose begin/end timestamps land in a query set; each flush resolves them
 * into a pooled staging buffer that is mapped in the background once the GPU is done (training
 * never waits for it), and the totals are only handed out when `report()` is asked for. Where the
 * device lacks `timestamp-query` the report says "not available" — never a made-up number.
 */
import type { KernelCost } from './costs';
import type { BufferPool } from './pool';

export interface KernelTime {
  name: string;
  count: number;
  totalMs: number;
  meanMs: number;
  /** Flops and bytes of the timed dispatches (`costs.ts`); null when any of them has no cost function. */
  flops: number | null;
  bytes: number | null;
}

export type TimingReport =
  | { available: true; kernels: KernelTime[]; totalMs: number; discardedPairs: number }
  | { available: false; reason: string };

interface Pending {
  staging: GPUBuffer;
  names: string[];
  costs: (KernelCost | null)[];
}

interface Mapping {
  promise: Promise<void>;
}

/** Timestamps per query set: two per timed pass. */
export const MAX_TIMED_PASSES = 2048;

export class KernelTimer {
  private readonly querySet: GPUQuerySet | null = null;
  private readonly resolveBuffer: GPUBuffer | null = null;
  private names: string[] = [];
  private costs: (KernelCost | null)[] = [];
  /** Resolved in the current submission, not yet submitted. */
  private pending: Pending[] = [];
  /** Submitted and being mapped in the background. */
  private mapping: Mapping[] = [];
  private readonly totals = new Map<string, { count: number; ns: number; flops: number | null; bytes: number | null }>();
  private discarded = 0;
  private failure: Error | null = null;
  /**
   * The phase the next passes belong to (`forward`, `backward`, `optimizer`; '' for none): the
   * trainer sets it, and the totals are kept as `phase/kernel` so a report splits by phase.
   */
  phase = '';
  /** Why timing is off, or null when it is on. */
  readonly unavailableReason: string | null;

  constructor(
    device: GPUDevice,
    private readonly pool: BufferPool,
    enabled: boolean,
  ) {
    if (!enabled) {
      this.unavailableReason = 'kernel timing was not enabled for this backend (pass { timing: true })';
    } else if (!device.features.has('timestamp-query')) {
      this.unavailableReason = 'this device has no timestamp-query feature';
    } else {
      this.unavailableReason = null;
      this.querySet = device.createQuerySet({ label: 'timing.queries', type: 'timestamp', count: 2 * MAX_TIMED_PASSES });
      this.resolveBuffer = pool.createOwned({
        label: 'timing.resolve',
        size: 2 * MAX_TIMED_PASSES * 8,
        usage: GPUBufferUsage.QUERY_RESOLVE | GPUBufferUsage.COPY_SRC,
      });
    }
  }

  get enabled(): boolean {
    return this.unavailableReason === null;
  }

  /** True when the current submission cannot take another timed pass. */
  get full(): boolean {
    return this.names.length >= MAX_TIMED_PASSES;
  }

  /** The `timestampWrites` for the next pass, which runs kernel `name` doing `cost` (null: not counted). */
  nextPass(name: string, cost: KernelCost | null = null): GPUComputePassTimestampWrites {
    const i = this.names.length;
    this.names.push(this.phase ? `${this.phase}/${name}` : name);
    this.costs.push(cost);
    return { querySet: this.querySet!, beginningOfPassWriteIndex: 2 * i, endOfPassWriteIndex: 2 * i + 1 };
  }

  /** Record the resolve of this submission's timestamps (call before `finish()`). */
  resolve(encoder: GPUCommandEncoder): void {
    if (!this.enabled || this.names.length === 0) return;
    const count = 2 * this.names.length;
    encoder.resolveQuerySet(this.querySet!, 0, count, this.resolveBuffer!, 0);
    const staging = this.pool.acquireStaging(count * 8, 'timing');
    encoder.copyBufferToBuffer(this.resolveBuffer!, 0, staging, 0, count * 8);
    this.pending.push({ staging, names: this.names, costs: this.costs });
    this.names = [];
    this.costs = [];
  }

  /** Call right after the submission that `resolve()` recorded into: starts mapping its timestamps. */
  afterSubmit(): void {
    // A failed read-back (the device lost, the backend disposed) is kept and reported, never left
    // as an unhandled rejection.
    for (const p of this.pending)
      this.mapping.push({
        promise: this.collect(p).catch((e: Error) => {
          this.failure ??= e;
        }),
      });
    this.pending = [];
  }

  private async collect(p: Pending): Promise<void> {
    const bytes = p.names.length * 16;
    await p.staging.mapAsync(GPUMapMode.READ, 0, bytes);
    const t = new BigUint64Array(p.staging.getMappedRange(0, bytes).slice(0));
    p.staging.unmap();
    this.pool.releaseStaging(p.staging);
    p.names.forEach((name, i) => {
      const begin = t[2 * i];
      const end = t[2 * i + 1];
      // A pair that is missing or runs backwards is not a measurement: count it, do not guess.
      if (begin === 0n || end < begin) {
        this.discarded++;
        return;
      }
      const e = this.totals.get(name) ?? { count: 0, ns: 0, flops: 0, bytes: 0 };
      e.count++;
      e.ns += Number(end - begin);
      const c = p.costs[i];
      e.flops = c && e.flops !== null ? e.flops + c.flops : null;
      e.bytes = c && e.bytes !== null ? e.bytes + c.bytes : null;
      this.totals.set(name, e);
    });
  }

  /** Wait for every submitted timestamp read-back and return per-kernel totals since the last `reset()`. */
  async report(): Promise<TimingReport> {
    if (!this.enabled) return { available: false, reason: this.unavailableReason! };
    const mapping = this.mapping;
    this.mapping = [];
    await Promise.all(mapping.map((m) => m.promise));
    if (this.failure) throw new Error(`kernel timing: reading the timestamps failed: ${this.failure.message}`);
    const kernels = [...this.totals.entries()]
      .map(([name, { count, ns, flops, bytes }]) => ({ name, count, totalMs: ns / 1e6, meanMs: ns / 1e6 / count, flops, bytes }))
      .sort((a, b) => b.totalMs - a.totalMs);
    return { available: true, kernels, totalMs: kernels.reduce((s, k) => s + k.totalMs, 0), discardedPairs: this.discarded };
  }

  /** Forget the totals (submissions still being mapped are counted when they arrive). */
  reset(): void {
    this.totals.clear();
    this.discarded = 0;
  }

  dispose(): void {
    this.querySet?.destroy();
    this.pending = [];
    this.mapping = [];
  }
}
