/**
 * The memory plan as the page shows it next to Start, before anything is built: the same
 * `planMemory` the worker runs (src/train/memoryPlan.ts), on what the worker's probe found
 * (the adapter's limits, or the CPU backend), so a paper preset that does not fit says so at once.
 */
import type { RunConfig } from '../config';
import type { BackendProbe } from '../engine/webgpu/probe';
import { planMemory, type MemoryPlan } from '../train/memoryPlan';

export interface PlanView {
  /** "Memory: batch 256 as 4 × 64 · estimated 3.3 GiB of 4.0 GiB (WebGPU)", or the refusal. */
  text: string;
  fits: boolean;
  plan: MemoryPlan;
}

/** The plan of a valid config on the probed backend; null while the probe runs or the config is invalid. */
export function planView(config: RunConfig | null, probe: BackendProbe | 'probing'): PlanView | null {
  if (!config || probe === 'probing') return null;
  const target =
    probe.kind === 'webgpu'
      ? {
          kind: 'webgpu' as const,
          adapterLimits: {
            maxStorageBufferBindingSize: probe.report.limits.maxStorageBufferBindingSize,
            maxBufferSize: probe.report.limits.maxBufferSize,
          },
        }
      : { kind: 'cpu' as const };
  const plan = planMemory(config, target);
  const where = probe.kind === 'webgpu' ? 'WebGPU' : 'CPU backend';
  const notes = plan.notes.length > 0 ? ` (${plan.notes.join('; ')})` : '';
  const text = plan.ok ? `Memory: ${plan.summary} (${where})${notes}` : `Does not fit this ${where}: ${plan.message}`;
  return { text, fits: plan.ok, plan };
}
