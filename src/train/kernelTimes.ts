/**
 * GPU time per training phase and per kernel, from the WebGPU backend's timestamp-query timer:
 * the trainer tags each pass with its phase (`forward/…`, `backward/…`, `optimizer/…`), and this
 * turns a timer report into ms per step by phase and running per-kernel totals.
 */
import type { KernelTimer } from '../engine/webgpu/timing';

export interface PhaseTimes {
  forward: number;
  backward: number;
  optimizer: number;
}

export interface KernelTotal {
  name: string;
  ms: number;
  calls: number;
  /** Flops and bytes of those calls (engine/webgpu/costs.ts); null when not counted. */
  flops: number | null;
  bytes: number | null;
}

const add = (a: number | null, b: number | null): number | null => (a === null || b === null ? null : a + b);

export class KernelTimes {
  private totals = new Map<string, { ms: number; calls: number; flops: number | null; bytes: number | null }>();

  clear(): void {
    this.totals.clear();
  }

  /** Drain the timer: ms per step by phase over `steps` steps (null where the backend cannot time). */
  async collect(timer: KernelTimer | undefined, steps: number): Promise<PhaseTimes | null> {
    if (!timer?.enabled || steps === 0) return null;
    const report = await timer.report();
    timer.reset();
    if (!report.available) return null;
    const ms: PhaseTimes = { forward: 0, backward: 0, optimizer: 0 };
    for (const k of report.kernels) {
      const [phase, name] = k.name.includes('/') ? k.name.split('/', 2) : ['', k.name];
      if (phase === 'forward' || phase === 'backward' || phase === 'optimizer') ms[phase] += k.totalMs / steps;
      const total = this.totals.get(name) ?? { ms: 0, calls: 0, flops: 0, bytes: 0 };
      this.totals.set(name, {
        ms: total.ms + k.totalMs,
        calls: total.calls + k.count,
        flops: add(total.flops, k.flops),
        bytes: add(total.bytes, k.bytes),
      });
    }
    return ms;
  }

  /** The kernels with the most GPU time so far, largest first. */
  top(count = 20): KernelTotal[] {
    return [...this.totals]
      .map(([name, v]) => ({ name, ...v }))
      .sort((a, b) => b.ms - a.ms)
      .slice(0, count);
  }
}
