/**
 * What the training worker sets up on a new WebGPU device so kernels fit the adapter
 * (docs/kernels.md): the subgroup check (the row kernels' reductions), the peak probe (for the
 * kernels table's share of peak; read from the tuning store when this adapter was probed
 * before), and the tuner of matmul and softmax layouts, which records shape classes during the
 * first steps and tunes them between steps (`tunePendingKernels`). The page is told what was found and decided.
 */
import type { WebGpuBackend } from '../engine/webgpu/backend';
import type { GpuContext } from '../engine/webgpu/device';
import type { MatmulDecision } from '../engine/webgpu/autotune/matmulTable';
import { type PeakFigures, type TuneStore, adapterKey, softwareTuning } from '../engine/webgpu/autotune/store';
import { Autotuner, type TunerOptions } from '../engine/webgpu/autotune/tuner';
import { wallClock } from '../engine/webgpu/autotune/matmulTuner';
import { backendLabel } from '../engine/webgpu/device';
import { probePeak } from '../engine/webgpu/peak';
import { checkSubgroups } from '../engine/webgpu/subgroups';

/** What the page shows about the adapter's kernels (sent with the `backend` message). */
export interface AdapterKernels {
  /** The probed fp32 FMA and copy peaks, or null when kernel timing is off (no table to fill). */
  peak: PeakFigures | null;
  /** How the row kernels reduce ('serial', 'subgroups', 'workgroup tree') and why. */
  rowReduction: string;
  subgroups: string;
  /** Where tuning results are kept, or why the documented rules choose. */
  tuning: string;
  /** On a software adapter: whether tuning was asked for there too (the page's switch); null on a GPU. */
  softwareTuning: boolean | null;
  /** The matmul choice per shape class so far (tuned now, or from the cache). */
  matmul: MatmulDecision[];
  /** The softmax row layout per shape class so far. */
  rows: MatmulDecision[];
  /** Why tuning stopped, when it did (the rule decides from then on). */
  tuningError?: string;
}

/** The subgroup check's verdict for the backend options, and its line for the page. */
export async function subgroupOption(ctx: GpuContext): Promise<{ use: boolean; line: string }> {
  const c = await checkSubgroups(ctx.device);
  return { use: c.usable, line: c.usable ? c.reason : `not used: ${c.reason}` };
}

/**
 * Set up peak and tuning for `backend`; `store` null: tuning off (the rules decide). On a
 * software adapter tuning runs only when asked: `tuneSoftware`, or else the store's switch.
 */
export async function setUpAdapterKernels(
  backend: WebGpuBackend,
  store: TuneStore | null,
  subgroups: string,
  timing: boolean,
  tunerOptions: TunerOptions = {},
  tuneSoftware?: boolean,
): Promise<{ info: AdapterKernels; tuner: Autotuner | null }> {
  const report = backend.ctx.report;
  const software = report.isFallback ? (tuneSoftware ?? (store ? await softwareTuning(store) : false)) : null;
  const tuner = store && software !== false ? new Autotuner(store, adapterKey(report), backendLabel(report), tunerOptions) : null;
  let peak: PeakFigures | null = null;
  if (timing) {
    peak = (await tuner?.peak()) ?? null;
    if (!peak) {
      const r = await probePeak(backend.ctx.device, { software: report.isFallback });
      peak = { gflops: r.gflops, gbps: r.gbps, method: r.method, measuredAt: r.measuredAt };
      await tuner?.savePeak(peak);
    }
  }
  if (tuner) {
    backend.matmulTable.recording = true;
    backend.rowTable.recording = true;
  }
  return {
    tuner,
    info: {
      peak,
      rowReduction: backend.rowReduction,
      subgroups,
      tuning: tuner
        ? `tuned on first use, kept in ${store!.where}`
        : store
          ? 'off on this software adapter (its timings say nothing about a GPU, and tuning costs CPU time): the documented rules choose'
          : 'off: the documented rules choose (matmulChoice.ts, rowKernels)',
      softwareTuning: software,
      matmul: [],
      rows: [],
    },
  };
}

/** Whether the last steps met matmul or softmax shape classes that are not tuned yet. */
export function tuningPending(backend: WebGpuBackend): boolean {
  const { matmulTable: m, rowTable: r } = backend;
  return (m.recording && m.pendingCount > 0) || (r.recording && r.pendingCount > 0);
}

/**
 * Tune the shape classes the last steps met (between steps, never inside one), give the scratch
 * back, and update `info`. A class without a valid candidate stops tuning: said in `info`, and
 * the rule decides from then on.
 */
export async function tunePendingKernels(backend: WebGpuBackend, tuner: Autotuner, info: AdapterKernels): Promise<void> {
  try {
    await backend.matmulTable.tunePending(backend, tuner);
    await backend.rowTable.tunePending(backend, tuner, wallClock(backend));
  } catch (e) {
    backend.matmulTable.recording = false;
    backend.rowTable.recording = false;
    info.tuningError = `tuning stopped, the rule decides: ${(e as Error).message}`;
  }
  backend.trim();
  info.matmul = [...backend.matmulTable.list()];
  info.rows = [...backend.rowTable.list()];
}
