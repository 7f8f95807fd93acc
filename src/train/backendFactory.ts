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
import type { BackendChoice } from './protocol';

export interface BackendHandle {
  backend: Backend;
  kind: 'webgpu' | 'cpu';
  label: string;
  /** Why the CPU runs instead of WebGPU (only when `auto` fell back). */
  reason?: string;
  timestampQuery: boolean;
  /** Resolves when the device is lost (WebGPU only). */
  lost?: Promise<GpuDeviceLostError>;
  /** Destroy the device (tests use it to simulate a device loss). */
  destroyDevice?: () => void;
}

const CPU_LABEL = 'CPU reference backend (float32)';

/** Acquire a backend. `gpu` is the WebGPU entry point (navigator.gpu in a browser, Dawn in Node). */
export async function createBackend(choice: BackendChoice, gpu: GPU | undefined, opts: { timing?: boolean } = {}): Promise<BackendHandle> {
  if (choice === 'cpu') return { backend: new CpuBackend('f32'), kind: 'cpu', label: CPU_LABEL, timestampQuery: false };
  try {
    const ctx = await acquireGpu({ optionalFeatures: ['timestamp-query'] }, gpu);
    const test = await runComputeSelfTest(ctx.device);
    if (!test.ok) {
      ctx.destroy();
      throw new Error(`the WebGPU self-test computed wrong values (max error ${test.maxAbsError})`);
    }
    const timing = (opts.timing ?? false) && ctx.enabledFeatures.has('timestamp-query');
    const backend = new WebGpuBackend(ctx, { timing });
    return {
      backend,
      kind: 'webgpu',
      label: backendLabel(ctx.report),
      timestampQuery: timing,
      lost: ctx.lost,
      destroyDevice: () => ctx.destroy(),
    };
  } catch (e) {
    if (choice === 'webgpu') throw e;
    return { backend: new CpuBackend('f32'), kind: 'cpu', label: CPU_LABEL, reason: (e as Error).message, timestampQuery: false };
  }
}
