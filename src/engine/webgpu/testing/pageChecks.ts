/**
 * The engine's WebGPU checks as a page can run them (the end-to-end tests call this through
 * `window.__playground.engineChecks()`, loaded lazily so the app never pays for it): every
 * kernel family of `checks.ts` against the CPU reference, and the two-layer MLP's loss curve on
 * WebGPU against the CPU for the same seed.
 */
import { CpuBackend } from '../../cpu/backend';
import { trainMlp } from '../../testing/mlp';
import { WebGpuBackend } from '../backend';
import { acquireGpu, backendLabel } from '../device';
import { runWebGpuChecks, type CheckResult } from './checks';

/** The MLP curve tolerance of src/engine/webgpu/mlp.test.ts. */
const CURVE_TOL = { abs: 1e-4, rel: 1e-4 };

export async function runPageChecks(): Promise<{ adapter: string; results: CheckResult[] }> {
  const ctx = await acquireGpu();
  const gpu = new WebGpuBackend(ctx);
  try {
    const results = await runWebGpuChecks(new CpuBackend('f32'), gpu);
    const steps = 30;
    const ref = await trainMlp(new CpuBackend('f32'), 7, steps);
    const got = await trainMlp(gpu, 7, steps);
    const worst = ref.reduce((w, r, i) => Math.max(w, Math.abs(got[i] - r) - CURVE_TOL.rel * Math.abs(r)), 0);
    results.push({
      name: 'two-layer MLP: the same loss curve on WebGPU and CPU',
      ok: got.length === steps && worst <= CURVE_TOL.abs && got[steps - 1] < got[0],
      detail: `loss ${ref[0].toFixed(4)} → ${ref[steps - 1].toFixed(4)} (CPU), ${got[0].toFixed(4)} → ${got[steps - 1].toFixed(4)} (WebGPU); worst excess over tolerance ${worst.toExponential(2)}`,
    });
    return { adapter: backendLabel(ctx.report), results };
  } finally {
    gpu.dispose();
    ctx.destroy();
  }
}
