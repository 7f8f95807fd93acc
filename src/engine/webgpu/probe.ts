/**
 * Finds out what this page (or worker) can run on: a WebGPU adapter that passes the compute
 * self-test, or nothing (then the CPU reference backend runs, and the UI says so).
 */
import { acquireGpu, backendLabel, type AdapterReport } from './device';
import { runComputeSelfTest, type SelfTestResult } from './selfTest';

export type BackendProbe =
  | { kind: 'webgpu'; label: string; report: AdapterReport; selfTest: SelfTestResult; timestampQuery: boolean }
  | { kind: 'cpu'; label: string; reason: string };

export const CPU_FALLBACK_LABEL = 'CPU reference backend';

/** Acquire a device, run the self-test, release the device, and describe the result. */
export async function probeBackend(gpu?: GPU): Promise<BackendProbe> {
  try {
    const ctx = await acquireGpu(
      { optionalFeatures: ['timestamp-query'] },
      gpu ?? (globalThis as { navigator?: { gpu?: GPU } }).navigator?.gpu,
    );
    try {
      const selfTest = await runComputeSelfTest(ctx.device);
      if (!selfTest.ok) {
        return {
          kind: 'cpu',
          label: CPU_FALLBACK_LABEL,
          reason: `the WebGPU self-test computed wrong values (max error ${selfTest.maxAbsError})`,
        };
      }
      return {
        kind: 'webgpu',
        label: backendLabel(ctx.report),
        report: ctx.report,
        selfTest,
        timestampQuery: ctx.enabledFeatures.has('timestamp-query'),
      };
    } finally {
      ctx.destroy();
    }
  } catch (e) {
    return { kind: 'cpu', label: CPU_FALLBACK_LABEL, reason: (e as Error).message };
  }
}
