/**
 * The sweep in a page or worker, on the user's GPU: acquires a device with the adapter's full
 * buffer limits, runs our sweep, then the peers on the same adapter (tfjs-webgpu training step,
 * onnxruntime-web WebGPU inference), each imported only when asked (they are large).
 * Used by the Scaling view and by the e2e bench page.
 */
import { acquireGpu, browserGpu } from '../engine/webgpu/device';
import { WebGpuBackend } from '../engine/webgpu/backend';
import { WebGpuUnavailableError } from '../engine/webgpu/errors';
import {
  runSweep,
  SweepCancelled,
  targetsOf,
  type AdapterInfo,
  type PeerRow,
  type SweepOptions,
  type SweepProgress,
  type SweepResult,
} from './sweep';

export interface BrowserBenchOptions extends Omit<SweepOptions, 'limits'> {
  /** Peers to run after our sweep. */
  peers: ('tfjs' | 'ort')[];
  /** Peers only up to this length (default: all). */
  peerMaxLength?: number;
}

export type BenchEvent = { kind: 'sweep'; progress: SweepProgress } | { kind: 'peer'; row: PeerRow } | { kind: 'phase'; text: string };

function browserRuntime(): string {
  const ua = (globalThis as { navigator?: { userAgent?: string } }).navigator?.userAgent ?? 'unknown browser';
  const chrome = /(?:Chrome|Chromium)\/([\d.]+)/.exec(ua);
  return chrome ? `Chromium ${chrome[1]} (WebGPU in the browser)` : ua;
}

/** Run the whole benchmark in this page or worker. */
export async function runBrowserBench(opts: BrowserBenchOptions, onEvent?: (e: BenchEvent) => void): Promise<SweepResult> {
  const gpu = browserGpu();
  if (!gpu) throw new WebGpuUnavailableError('this browser has no navigator.gpu: the benchmark measures WebGPU and cannot run');
  const adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
  if (!adapter) throw new WebGpuUnavailableError('requestAdapter() returned no adapter');
  const ctx = await acquireGpu(
    { limits: { maxStorageBufferBindingSize: adapter.limits.maxStorageBufferBindingSize, maxBufferSize: adapter.limits.maxBufferSize } },
    gpu,
  );
  const backend = new WebGpuBackend(ctx);
  const r = ctx.report;
  const info: AdapterInfo = {
    label: backend.label,
    vendor: r.vendor,
    architecture: r.architecture,
    device: r.device,
    description: r.description,
    isFallback: r.isFallback,
    runtime: browserRuntime(),
  };
  let result: SweepResult;
  try {
    onEvent?.({ kind: 'phase', text: 'ours: training step and inference' });
    result = await runSweep(
      backend,
      info,
      {
        ...opts,
        limits: {
          maxStorageBufferBindingSize: ctx.device.limits.maxStorageBufferBindingSize,
          maxBufferSize: ctx.device.limits.maxBufferSize,
        },
      },
      (progress) => onEvent?.({ kind: 'sweep', progress }),
    );
  } finally {
    backend.dispose();
    ctx.destroy();
  }
  if (opts.signal?.aborted) throw new SweepCancelled(result.rows.length, result.rows.length);
  const peerOpts = { warmup: opts.warmup, repeats: opts.repeats, overrides: opts.overrides, maxLength: opts.peerMaxLength };
  const onRow = (row: PeerRow) => onEvent?.({ kind: 'peer', row });
  if (opts.peers.includes('tfjs')) {
    onEvent?.({ kind: 'phase', text: 'peer: tfjs-webgpu training step' });
    const tf = await import('@tensorflow/tfjs');
    await import('@tensorflow/tfjs-backend-webgpu');
    if (!(await tf.setBackend('webgpu'))) throw new Error('tfjs: setBackend("webgpu") failed in this browser');
    const { tfjsTrainingPeer } = await import('./tfjs/peer');
    result.peers.push(...(await tfjsTrainingPeer(tf, result, peerOpts, onRow)));
  }
  if (opts.peers.includes('ort')) {
    onEvent?.({ kind: 'phase', text: 'peer: onnxruntime-web WebGPU inference' });
    const { ortInferencePeer } = await import('./ortPeer');
    result.peers.push(...(await ortInferencePeer(result, peerOpts, onRow)));
  }
  result.targets = targetsOf(result.rows, result.peers);
  return result;
}
