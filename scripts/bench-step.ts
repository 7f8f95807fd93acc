/**
 * Training-step benchmark (not a test): ms per `Trainer.trainStep()` for each quick preset, on
 * the CPU reference backend and on WebGPU through Dawn (SwiftShader on a machine without a
 * GPU), with a `readPending()` every `--read-every` steps as the training session does. Prints
 * wall-clock ms/step, CPU time per step of all the process's threads (SwiftShader executes
 * kernels on CPU threads, so on a shared machine this is the steadier figure), and for WebGPU
 * dispatches and submissions per step.
 *
 *   scripts/run-ts.sh scripts/bench-step.ts [--steps 20] [--warmup 3] [--read-every 10] [--backend cpu|webgpu|both] [--preset name,...]
 *                     [--backend cpu|webgpu|both] [--preset quick-listops-proxy,...]
 */
import { checkFlags, flagValue as option, positiveIntFlag as count } from './bench/flags';
import { CpuBackend, type Backend } from '../src/engine';
import { WebGpuBackend } from '../src/engine/webgpu/backend';
import { acquireGpu, backendLabel } from '../src/engine/webgpu/device';
import { nodeGpu } from '../src/engine/webgpu/node';
import { QUICK_PRESETS } from '../src/presets/quick';
import { taskFor } from '../src/train/taskFromConfig';
import { Trainer } from '../src/train/trainer';
import { fsFetcher } from './corpora/fs-fetch';

checkFlags(
  { '--steps': 'value', '--warmup': 'value', '--read-every': 'value', '--backend': 'value', '--preset': 'value' },
  'usage: npm run bench:step -- [--steps 20] [--warmup 3] [--read-every 10] [--backend cpu|webgpu|both] [--preset name,...]',
);

const steps = count('steps', 20);
const warmup = count('warmup', 3);
const readEvery = count('read-every', 10);
const which = option('backend', 'both');
if (!['cpu', 'webgpu', 'both'].includes(which)) throw new Error(`--backend must be cpu, webgpu or both, got ${which}`);
const names = option('preset', QUICK_PRESETS.map((p) => p.name).join(',')).split(',');
for (const n of names)
  if (!QUICK_PRESETS.some((p) => p.name === n))
    throw new Error(`--preset ${n} is not a quick preset (${QUICK_PRESETS.map((p) => p.name).join(', ')})`);

async function makeBackend(kind: 'cpu' | 'webgpu'): Promise<{ backend: Backend; label: string; close: () => void }> {
  if (kind === 'cpu') {
    const backend = new CpuBackend('f32');
    return { backend, label: backend.label, close: () => backend.dispose() };
  }
  const ctx = await acquireGpu({}, nodeGpu());
  const backend = new WebGpuBackend(ctx);
  const close = () => {
    backend.dispose();
    ctx.destroy();
  };
  return { backend, label: backendLabel(ctx.report), close };
}

/** Time `steps` training steps after `warmup` untimed ones; a read every `readEvery` steps and at the end. */
async function bench(kind: 'cpu' | 'webgpu', presetName: string): Promise<string> {
  const preset = QUICK_PRESETS.find((p) => p.name === presetName)!;
  const task = await taskFor(preset.config, fsFetcher('public/data'));
  const { backend, label, close } = await makeBackend(kind);
  const trainer = new Trainer(backend, preset.config, task);
  for (let i = 0; i < warmup; i++) trainer.trainStep();
  await trainer.readPending();
  const gpu = backend instanceof WebGpuBackend ? backend : null;
  const d0 = gpu?.dispatchCount ?? 0;
  const sub0 = gpu?.submitCount ?? 0;
  const c0n = gpu?.clearCount ?? 0;
  let readMs = 0;
  let recordMs = 0;
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  let lastLoss = NaN;
  for (let i = 1; i <= steps; i++) {
    const s0 = performance.now();
    trainer.trainStep();
    recordMs += performance.now() - s0;
    if (i % readEvery === 0 || i === steps) {
      const r0 = performance.now();
      const r = await trainer.readPending();
      readMs += performance.now() - r0;
      lastLoss = r.values[r.values.length - 1].loss;
    }
  }
  const ms = (performance.now() - t0) / steps;
  // CPU time of all the process's threads (SwiftShader's workers included): steadier than the wall clock on a shared machine.
  const cpu = process.cpuUsage(c0);
  const cpuMs = (cpu.user + cpu.system) / 1000 / steps;
  const gpuPart = gpu
    ? `, ${((gpu.dispatchCount - d0) / steps).toFixed(0)} dispatches/step, ${((gpu.clearCount - c0n) / steps).toFixed(0)} buffer clears/step, ${((gpu.submitCount - sub0) / steps).toFixed(2)} submissions/step`
    : '';
  trainer.dispose();
  close();
  return `${presetName.padEnd(24)} ${kind.padEnd(6)} ${ms.toFixed(1).padStart(8)} ms/step (CPU time ${cpuMs.toFixed(1)}; in trainStep ${(recordMs / steps).toFixed(1)}; waiting in reads ${(readMs / steps).toFixed(1)})${gpuPart}, loss ${lastLoss.toFixed(4)}  [${label}]`;
}

const kinds: ('cpu' | 'webgpu')[] = which === 'both' ? ['cpu', 'webgpu'] : [which as 'cpu' | 'webgpu'];
console.log(`${steps} timed steps after ${warmup} warm-up steps, a read every ${readEvery}`);
for (const kind of kinds) for (const name of names) console.log(await bench(kind, name));
