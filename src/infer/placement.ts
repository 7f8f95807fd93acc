/**
 * Where onnxruntime-web puts a model's nodes, in words, for the panel. onnxruntime-web's WebGPU
 * provider has no TopK kernel, so Reformer's two sorts per layer (docs/baselines.md "Reformer",
 * the ONNX graph) run on its CPU kernel even in a WebGPU session: the panel says so rather than
 * claiming every compute node ran on the GPU.
 */
import type { RunConfig } from '../config';
import type { ExecutionProvider } from './provider';

export function placementOf(provider: ExecutionProvider, wasmThreads: number, attention: RunConfig['attention']): string {
  if (provider !== 'webgpu') return `every node on the WebAssembly CPU kernels, ${wasmThreads} thread${wasmThreads === 1 ? '' : 's'}`;
  const base = 'compute nodes on WebGPU; onnxruntime keeps shape-only nodes (Shape, Gather of dims, …) on its CPU kernels by design';
  if (attention !== 'reformer') return base;
  return `${base}; Reformer's bucket sorts (TopK, two per layer) run on the CPU kernels too, because the WebGPU provider has no TopK: their keys and indices cross between GPU and CPU on every run`;
}
