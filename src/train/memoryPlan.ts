/**
 * Whether a run fits its device, decided before anything is built (docs/gpu.md "Memory plan"):
 * the memory estimate (src/model/memoryEstimate.ts) of one step against the device's per-buffer
 * limits and a total budget. The plan takes, in order:
 * 1. the whole batch within the engine's default buffer limits;
 * 2. the whole batch with the adapter's real limits (the device is then requested with them);
 * 3. the fewest micro-batches k (k divides the batch) whose passes fit (src/train/microBatch.ts).
 * A config with `microBatches` set uses that k and nothing else. When nothing fits, the plan
 * refuses with the estimate, the limit and what to change. The page shows the plan before
 * Start, the worker refuses before loading data, and the CLI prints the same line.
 */
import { bufferLimit, type DeviceLimits, type RunConfig } from '../config';
import { DEFAULT_LIMITS } from '../engine/webgpu/device';
import { estimateMemory, formatSize, type MemoryEstimate } from '../model/memoryEstimate';
import { microBatchCounts } from './microBatch';

/** A run refused by its memory plan, before anything was built. */
export class MemoryPlanError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MemoryPlanError';
  }
}

/** The CPU backend's stated budget: typed arrays in one JS process (docs/gpu.md). */
export const CPU_MEMORY_BUDGET = 2 * 1024 ** 3;
/** The WebGPU budget: browsers do not report a device's memory, so a stated, conservative total. */
export const WEBGPU_MEMORY_BUDGET = 4 * 1024 ** 3;

export type MemoryTarget =
  | { kind: 'cpu'; budget?: number }
  /** `adapterLimits`: what the adapter can grant (GPUAdapter.limits), not what a device was created with. */
  | { kind: 'webgpu'; adapterLimits: DeviceLimits; budget?: number };

/** The device limits to request when the defaults are too small for the plan. */
export interface RequestedLimits {
  maxStorageBufferBindingSize: number;
  maxBufferSize: number;
}

export interface MemoryPlan {
  ok: boolean;
  batchSize: number;
  microBatches: number;
  microBatchSize: number;
  /** The estimate of one pass (of `microBatchSize` examples) with the step's weights and state. */
  estimate: MemoryEstimate;
  budget: number;
  /** Null when the defaults suffice (or on the CPU). */
  requestLimits: RequestedLimits | null;
  /** "batch 256 as 4 × 64 · estimated 3.3 GiB of 4.0 GiB". */
  summary: string;
  /** Why the plan refuses (null when ok): the estimate, the limit and what to change. */
  message: string | null;
  /** What the user should know about the plan (for example a step that is not exactly the whole batch's). */
  notes: string[];
}

function budgetName(target: MemoryTarget, budget: number): string {
  return target.kind === 'cpu' ? `the CPU backend's budget of ${formatSize(budget)}` : `the WebGPU budget of ${formatSize(budget)}`;
}

/** The knobs that shrink a pass of this variant, beyond the batch. */
function shrinkKnobs(c: RunConfig): string {
  if (c.attention === 'softmax') return 'seqLen, or use an attention that is linear in n (nystrom, proxy, linformer, performer, linear)';
  if (c.attention === 'nystrom' || c.attention === 'proxy') return 'seqLen or landmarks';
  if (c.attention === 'linformer') return 'seqLen or linformerK';
  if (c.attention === 'performer') return 'seqLen or performerFeatures';
  return 'seqLen or dModel';
}

function describeSplit(b: number, k: number): string {
  return k === 1 ? `batch ${b}` : `batch ${b} as ${k} × ${b / k}`;
}

/** Plan the memory of a run on a target (see the file comment). */
export function planMemory(c: RunConfig, target: MemoryTarget): MemoryPlan {
  const b = c.batchSize;
  const budget = target.budget ?? (target.kind === 'cpu' ? CPU_MEMORY_BUDGET : WEBGPU_MEMORY_BUDGET);
  const forced = c.microBatches > 0;
  const counts = forced ? [c.microBatches] : microBatchCounts(b);
  const adapter = target.kind === 'webgpu' ? bufferLimit(target.adapterLimits) : null;
  const defaults = bufferLimit(DEFAULT_LIMITS);
  const fitsBuffer = (e: MemoryEstimate) => adapter === null || e.largest.bytes <= adapter.bytes;
  let k = counts[counts.length - 1];
  let estimate = estimateMemory(c, b % k === 0 ? b / k : b);
  let ok = false;
  for (const candidate of counts) {
    if (b % candidate !== 0) break;
    const e = estimateMemory(c, b / candidate);
    if (e.total <= budget && fitsBuffer(e)) {
      [k, estimate, ok] = [candidate, e, true];
      break;
    }
  }
  const notes: string[] = [];
  if (k > 1 && (c.attention === 'nystrom' || c.attention === 'proxy') && c.pinvInit === 'global')
    notes.push(
      "pinvInit global scales each micro-batch's pseudo-inverse by that micro-batch's maximum, so the step is close to, not exactly, the whole batch's",
    );
  const needsMore = target.kind === 'webgpu' && estimate.largest.bytes > defaults.bytes;
  const requestLimits =
    needsMore && target.kind === 'webgpu'
      ? {
          maxStorageBufferBindingSize: target.adapterLimits.maxStorageBufferBindingSize,
          maxBufferSize: target.adapterLimits.maxBufferSize ?? target.adapterLimits.maxStorageBufferBindingSize,
        }
      : null;
  const figures = `estimated ${formatSize(estimate.total)} of ${formatSize(budget)}`;
  const summary = `${describeSplit(b, k)} · ${figures}${requestLimits ? ` · buffers up to ${formatSize(estimate.largest.bytes)} (adapter limits requested)` : ''}`;
  return {
    ok,
    batchSize: b,
    microBatches: k,
    microBatchSize: b % k === 0 ? b / k : b,
    estimate,
    budget,
    requestLimits: ok ? requestLimits : null,
    summary,
    message: ok ? null : refusal(c, target, k, estimate, budget, forced),
    notes,
  };
}

function refusal(c: RunConfig, target: MemoryTarget, k: number, e: MemoryEstimate, budget: number, forced: boolean): string {
  const b = c.batchSize;
  if (forced && b % k !== 0)
    return `microBatches ${k} does not divide batchSize ${b}: use a divisor of ${b}, or 0 to choose automatically.`;
  const split = describeSplit(b, k);
  const change = forced
    ? `raise microBatches (or set 0 to choose automatically), or lower batchSize, ${shrinkKnobs(c)}`
    : e.examples === 1
      ? `lower ${shrinkKnobs(c)} (one example per pass is the smallest split)`
      : `lower batchSize, ${shrinkKnobs(c)}`;
  if (target.kind === 'webgpu') {
    const limit = bufferLimit(target.adapterLimits);
    if (e.largest.bytes > limit.bytes)
      return `${split}: the ${e.largest.name} buffer [${e.largest.shape.join(', ')}] needs ${formatSize(e.largest.bytes)}, over this adapter's ${limit.name} of ${formatSize(limit.bytes)}: ${change}.`;
  }
  return `${split}: a training step needs an estimated ${formatSize(e.total)} (weights and AdamW ${formatSize(e.weights + e.gradients + e.optimizer)}, activations ${formatSize(e.activations)}, scratch ${formatSize(e.scratch)}), over ${budgetName(target, budget)}: ${change}.`;
}

/** The plan as one line for the CLI and the page: the summary, or the refusal. */
export function planLine(plan: MemoryPlan): string {
  const text = plan.ok ? `memory: ${plan.summary}` : `memory: does not fit: ${plan.message}`;
  return plan.notes.length > 0 ? `${text} (${plan.notes.join('; ')})` : text;
}
