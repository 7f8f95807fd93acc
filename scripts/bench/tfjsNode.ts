/**
 * tfjs with its WebGPU backend in Node: tfjs-backend-webgpu looks for `navigator.gpu`, which
 * Node 20 lacks, so Dawn's GPU object is put there before tfjs loads (tried: it runs).
 */
import { nodeGpu } from '../../src/engine/webgpu/node';
import type { PeerRow, SweepOptions, SweepResult } from '../../src/bench/sweep';
import { tfjsTrainingPeer } from '../../src/bench/tfjs/peer';

/** Import tfjs, select 'webgpu' (throws when it cannot) and time its training step next to ours. */
export async function runTfjsPeer(
  ours: SweepResult,
  opts: Pick<SweepOptions, 'warmup' | 'repeats' | 'overrides'> & { maxLength?: number },
): Promise<PeerRow[]> {
  const g = globalThis as { navigator?: { gpu?: GPU } };
  if (!g.navigator) g.navigator = {};
  if (!g.navigator.gpu) Object.defineProperty(g.navigator, 'gpu', { value: nodeGpu(), configurable: true });
  const tf = await import('@tensorflow/tfjs');
  await import('@tensorflow/tfjs-backend-webgpu');
  if (!(await tf.setBackend('webgpu'))) throw new Error('tfjs: setBackend("webgpu") failed in Node (Dawn)');
  await tf.ready();
  return tfjsTrainingPeer(tf, ours, opts, (p) =>
    console.log(
      `  tfjs ${p.variant} n=${p.n}: ${p.status === 'ok' ? `${p.ms!.median.toFixed(2)} ms (×${p.ratioToOurs!.toFixed(2)} ours)` : p.note}`,
    ),
  );
}
