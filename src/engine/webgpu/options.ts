/** The WebGPU backend's options, checked and resolved against the device once, at construction. */
import { backendLabel, type GpuContext } from './device';
import type { DispatcherOptions } from './dispatcher';
import type { MatmulKernel } from './matmulChoice';
import { MAX_TIMED_PASSES } from './timing';

export interface WebGpuBackendOptions {
  /** Which matrix-product kernel to use; 'auto' follows `chooseMatmulKernel`. */
  matmulKernel?: 'auto' | MatmulKernel;
  /** Time every kernel with timestamp queries (one compute pass per dispatch while on). */
  timing?: boolean;
  /** Uniform slots per submission (each dispatch takes one). */
  uniformSlots?: number;
  /**
   * Workgroups per grid dimension before a dispatch folds into a second dimension; defaults to
   * the device limit. Tests lower it to exercise the 2-D path on small tensors.
   */
  maxWorkgroupsPerDimension?: number;
  /**
   * What a released buffer holds when `alloc` hands it out again. 'uninitialized' (default, as
   * `torch.empty`): old data, no extra GPU work — the engine initialises every buffer it reads
   * (`zeros()`, `fill`). 'zeroed': cleared like the CPU pool (one extra write pass per
   * allocation). 'poisoned': filled with NaN, for tests, so that code which wrongly relies on
   * zeroed memory shows up as NaN instead of passing by luck. Fresh buffers are always zero.
   */
  reusedBuffers?: 'uninitialized' | 'zeroed' | 'poisoned';
  /**
   * How the row kernels (softmax, layerNorm and their backwards) and the two-stage reductions
   * spread work. 'workgroup': one workgroup per row with barrier tree sums, and about 1024
   * reduction workgroups (fills a real GPU). 'serial': one invocation per row, no barriers,
   * and few reduction workgroups: on a software adapter (SwiftShader) a barrier costs more than
   * a short row's arithmetic and extra workgroups add nothing on a few CPU cores. 'auto'
   * (default): 'serial' on a software adapter, else 'workgroup'. Sums run in a different order
   * in the two layouts (both within the kernels' tested tolerances).
   */
  rowKernels?: 'auto' | 'workgroup' | 'serial';
  /**
   * Reduce across a row workgroup with subgroup operations (softmax, cross-entropy, row sums)
   * instead of barrier trees. Needs the device's `subgroups` feature, and a passing
   * `checkSubgroups(device)` (subgroups.ts): the caller runs that check and says what it found.
   * Default false. Has no effect on the serial row kernels.
   */
  subgroups?: boolean;
}

export interface ResolvedOptions {
  dispatch: DispatcherOptions;
  matmulChoice: 'auto' | MatmulKernel;
  reused: 'uninitialized' | 'zeroed' | 'poisoned';
  timing: boolean;
  uniformSlots: number;
}

/** Check `opts` (a message names the option and what is allowed) and fill in the defaults for `ctx`'s device. */
export function resolveOptions(ctx: GpuContext, opts: WebGpuBackendOptions): ResolvedOptions {
  const lim = ctx.device.limits;
  const rows = opts.rowKernels ?? 'auto';
  if (!['auto', 'workgroup', 'serial'].includes(rows))
    throw new Error(`WebGpuBackend: rowKernels ${String(rows)} is not one of auto, workgroup, serial`);
  const serialRows = rows === 'serial' || (rows === 'auto' && ctx.report.isFallback);
  const reused = opts.reusedBuffers ?? 'uninitialized';
  if (!['uninitialized', 'zeroed', 'poisoned'].includes(reused))
    throw new Error(`WebGpuBackend: reusedBuffers ${String(reused)} is not one of uninitialized, zeroed, poisoned`);
  const subgroups = opts.subgroups ?? false;
  if (subgroups && !ctx.device.features.has('subgroups'))
    throw new Error('WebGpuBackend: subgroups: true needs a device created with the subgroups feature');
  const slots = opts.uniformSlots ?? MAX_TIMED_PASSES;
  if (!(Number.isInteger(slots) && slots >= 1 && slots <= MAX_TIMED_PASSES))
    throw new Error(`WebGpuBackend: uniformSlots ${slots} must be an integer in [1, ${MAX_TIMED_PASSES}]`);
  return {
    dispatch: {
      label: backendLabel(ctx.report),
      maxPerDim: Math.min(opts.maxWorkgroupsPerDimension ?? lim.maxComputeWorkgroupsPerDimension, lim.maxComputeWorkgroupsPerDimension),
      serialRows,
      // A software adapter runs workgroups on a few CPU threads: a handful per reduction is enough.
      reductionTarget: serialRows ? 16 : 1024,
      // SwiftShader runs each workgroup on one CPU thread: 4×4 invocations (16×16 outputs) give
      // tiny products several workgroups to share out, where 16×16 gave one mostly idle one.
      reg4Workgroup: ctx.report.isFallback ? 4 : 16,
      subgroups,
    },
    matmulChoice: opts.matmulKernel ?? 'auto',
    reused,
    timing: opts.timing ?? false,
    uniformSlots: slots,
  };
}
