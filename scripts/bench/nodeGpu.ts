/** The Node side's device for the benchmark: Dawn, asking for the adapter's full buffer limits (the paper sizes need more than the engine's 128 MiB default). */
import { acquireGpu, type GpuContext } from '../../src/engine/webgpu/device';
import { nodeGpu } from '../../src/engine/webgpu/node';
import type { AdapterInfo } from '../../src/bench/sweep';
import { createRequire } from 'node:module';

/** Acquire the adapter's device with its largest buffer limits. */
export async function benchGpu(): Promise<GpuContext> {
  const gpu = nodeGpu();
  const adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
  if (!adapter) throw new Error('Dawn found no WebGPU adapter: check VK_ICD_FILENAMES / VK_DRIVER_FILES (scripts/with-webgpu.sh)');
  return acquireGpu(
    {
      limits: { maxStorageBufferBindingSize: adapter.limits.maxStorageBufferBindingSize, maxBufferSize: adapter.limits.maxBufferSize },
      optionalFeatures: ['timestamp-query'],
    },
    gpu,
  );
}

function webgpuVersion(): string {
  try {
    return (createRequire(import.meta.url)('webgpu/package.json') as { version: string }).version;
  } catch {
    return 'unknown';
  }
}

/** The adapter as the results name it. */
export function nodeAdapterInfo(ctx: GpuContext, label: string): AdapterInfo {
  const r = ctx.report;
  return {
    label,
    vendor: r.vendor,
    architecture: r.architecture,
    device: r.device,
    description: r.description,
    isFallback: r.isFallback,
    runtime: `node ${process.version} + Dawn (webgpu ${webgpuVersion()})`,
  };
}
