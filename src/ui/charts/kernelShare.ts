/**
 * The kernels table's rows: GPU time, share of the run's GPU time, and — from each kernel's
 * flops and bytes and the adapter's probed peak — its achieved GFLOP/s, GB/s and share of peak
 * with what bounds it (docs/kernels.md "Share of peak"). Null where a figure cannot be given
 * (no cost function, no peak probe): the table says so rather than showing a zero.
 */
import { shareOfPeak } from '../../engine/webgpu/costs';
import type { KernelTiming } from '../../store/trainingState';

export interface KernelRow {
  name: string;
  ms: number;
  calls: number;
  /** Share of all the listed kernels' GPU time. */
  timeShare: number;
  gflops: number | null;
  gbps: number | null;
  /** Share of the probed peak (the larger of compute and memory), and which. */
  peakShare: number | null;
  bound: 'compute' | 'memory' | null;
}

/** The rows of the top `count` kernels by GPU time. */
export function kernelRows(kernels: readonly KernelTiming[], peak: { gflops: number; gbps: number } | null, count = 10): KernelRow[] {
  const total = kernels.reduce((a, k) => a + k.ms, 0);
  return kernels.slice(0, count).map((k) => {
    const counted = k.flops !== null && k.bytes !== null && k.ms > 0;
    const rates = counted ? { gflops: k.flops! / (k.ms * 1e6), gbps: k.bytes! / (k.ms * 1e6) } : null;
    const s = counted && peak ? shareOfPeak(k.flops!, k.bytes!, k.ms, peak) : null;
    return {
      name: k.name,
      ms: k.ms,
      calls: k.calls,
      timeShare: total > 0 ? k.ms / total : 0,
      gflops: rates?.gflops ?? null,
      gbps: rates?.gbps ?? null,
      peakShare: s?.share ?? null,
      bound: s?.bound ?? null,
    };
  });
}
