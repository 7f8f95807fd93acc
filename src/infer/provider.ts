/**
 * Which onnxruntime-web execution provider a session gets, and the reason shown beside it.
 *
 * `auto` takes WebGPU only on a hardware adapter. On a software adapter (SwiftShader, lavapipe,
 * WARP: the GPU emulated on the CPU, which is what a browser without a usable GPU or a CI
 * machine gives) onnxruntime's WebGPU kernels run on that emulation, one workgroup per CPU
 * thread, and a model that takes a fraction of a second on the WASM kernels took tens of
 * seconds there; the WASM provider runs the same CPU directly. A user who wants to see WebGPU
 * on such an adapter anyway chooses `webgpu` explicitly.
 */
import { describeAdapter } from '../engine/webgpu/device';

export type ExecutionProvider = 'webgpu' | 'wasm';
/** `auto`: WebGPU on a hardware adapter, else WASM. */
export type ProviderChoice = 'auto' | ExecutionProvider;

/** What the browser's WebGPU adapter is, as far as the provider choice cares. */
export interface AdapterFacts {
  /** The adapter's name as the backend badge shows it (architecture, description, device or vendor). */
  name: string;
  /** A software adapter (the spec's isFallbackAdapter, or a known software architecture). */
  software: boolean;
}

export interface ProviderDecision {
  provider: ExecutionProvider;
  /** Why, in words: "chosen", or what `auto` found. */
  reason: string;
}

/** The provider for a choice, given the adapter (null: the browser gives none). Throws when `webgpu` is asked for without an adapter. */
export function chooseProvider(choice: ProviderChoice, adapter: AdapterFacts | null): ProviderDecision {
  if (choice === 'wasm') return { provider: 'wasm', reason: 'chosen' };
  if (choice === 'webgpu') {
    if (!adapter) throw new Error('the webgpu execution provider was asked for, but this browser gives no WebGPU adapter; choose wasm.');
    return { provider: 'webgpu', reason: 'chosen' };
  }
  if (!adapter) return { provider: 'wasm', reason: 'auto: no WebGPU adapter in this browser' };
  if (adapter.software)
    return {
      provider: 'wasm',
      reason: `auto: the WebGPU adapter (${adapter.name}) is a software one, emulated on the CPU, where WASM runs the model far faster; choose webgpu to use it anyway`,
    };
  return { provider: 'webgpu', reason: `auto: hardware WebGPU adapter (${adapter.name})` };
}

/** The browser's WebGPU adapter, described; null when there is none (no `navigator.gpu`, or no adapter). */
export async function probeAdapter(): Promise<AdapterFacts | null> {
  const gpu = (globalThis as { navigator?: { gpu?: GPU } }).navigator?.gpu;
  if (!gpu) return null;
  let adapter: GPUAdapter | null;
  try {
    adapter = await gpu.requestAdapter();
  } catch {
    return null;
  }
  if (!adapter) return null;
  const report = describeAdapter(adapter);
  return {
    name: report.architecture || report.description || report.device || report.vendor || 'unknown adapter',
    software: report.isFallback,
  };
}
