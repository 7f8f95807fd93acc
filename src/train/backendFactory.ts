/**
 * Choosing the backend a run trains on, and saying which one it is. `auto` takes WebGPU when
 * an adapter passes the compute self-test, and otherwise the CPU reference backend, with the
 * reason; never silently.
 */
import { CpuBackend, type Backend } from '../engine';
import { acquireGpu, backendLabel } from '../engine/webgpu/device';
import type { GpuDeviceLostError } from '../engine/webgpu/errors';
import { WebGpuBackend } from '../engine/webgpu/backend';
import { runComputeSelfTest } from '../engine/webgpu/selfTest';
import type { DeviceLimits } from '../config';
import type { BackendChoice } from './protocol';
import type { RequestedLimits } from './memoryPlan';
import type { TuneStore } from '../engine/webgpu/autotune/store';
import type { Autotuner, TunerOptions } from '../engine/webgpu/autotune/tuner';
import { type AdapterKernels, setUpAdapterKernels, subgroupOption } from './adapterKernels';

export interface BackendHandle {
  backend: Backend;
  kind: 'webgpu' | 'cpu';
  label: string;
  /** Why the CPU runs instead of WebGPU (only when `auto` fell back). */
  reason?: string;
  timestampQuery: boolean;
  /** What the adapter can grant (GPUAdapter.limits): the memory plan checks against these; null on the CPU. */
  adapterLimits: DeviceLimits | null;
  /** Resolves when the device is lost (WebGPU only). */
  lost?: Promise<GpuDeviceLostError>;
  /** Destroy the device (tests use it to simulate a device loss). */
  destroyDevice?: () => void;
  /** Peak, row reductions and matmul tuning on this adapter (WebGPU only; docs/kernels.md). */
  adapter?: AdapterKernels;
  /** The matmul tuner, when a tuning store was given. */
  tuner?: Autotuner | null;
}

const CPU_LABEL = 'CPU reference backend (float32)';

/**
 * Acquire a backend. `gpu` is the WebGPU entry point (navigator.gpu in a browser, Dawn in Node);
 * `limits`: buffer limits above the engine's defaults that a run's memory plan needs
 * (src/train/memoryPlan.ts), requested from the adapter as requirements.
 */
export async function createBackend(
  choice: BackendChoice,
  gpu: GPU | undefined,
  opts: {
    timing?: boolean;
    limits?: RequestedLimits | null;
    /** Where tuning results live (docs/kernels.md); null: tuning off. */
    tuning?: TuneStore | null;
    tunerOptions?: TunerOptions;
    /** Tune on a software adapter too (default: the store's switch). */
    tuneSoftware?: boolean;
  } = {},
): Promise<BackendHandle> {
  const cpu = (reason?: string): BackendHandle => ({
    backend: new CpuBackend('f32'),
    kind: 'cpu',
    label: CPU_LABEL,
    reason,
    timestampQuery: false,
    adapterLimits: null,
  });
  if (choice === 'cpu') return cpu();
  try {
    const ctx = await acquireGpu({ optionalFeatures: ['timestamp-query', 'subgroups'], limits: opts.limits ?? undefined }, gpu);
    const test = await runComputeSelfTest(ctx.device);
    if (!test.ok) {
      ctx.destroy();
      throw new Error(`the WebGPU self-test computed wrong values (max error ${test.maxAbsError})`);
    }
    const timing = (opts.timing ?? false) && ctx.enabledFeatures.has('timestamp-query');
    const subgroups = await subgroupOption(ctx);
    const backend = new WebGpuBackend(ctx, { timing, subgroups: subgroups.use });
    const { info, tuner } = await setUpAdapterKernels(
      backend,
      opts.tuning ?? null,
      subgroups.line,
      timing,
      opts.tunerOptions,
      opts.tuneSoftware,
    );
    return {
      adapter: info,
      tuner,
      backend,
      kind: 'webgpu',
      label: backendLabel(ctx.report),
      timestampQuery: timing,
      adapterLimits: {
        maxStorageBufferBindingSize: ctx.adapter.limits.maxStorageBufferBindingSize,
        maxBufferSize: ctx.adapter.limits.maxBufferSize,
      },
      lost: ctx.lost,
      destroyDevice: () => ctx.destroy(),
    };
  } catch (e) {
    if (choice === 'webgpu') throw e;
    return cpu((e as Error).message);
  }
}
