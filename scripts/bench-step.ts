/**
 * Training-step benchmark (not a test): ms per `Trainer.trainStep()` for each quick preset, on
 * the CPU reference backend and on WebGPU through Dawn (SwiftShader on a machine without a
 * GPU), with a `readPending()` every `--read-every` steps as the training session does. Prints
 * wall-clock ms/step, CPU time per step of all the process's threads (SwiftShader executes
 * kernels on CPU threads, so on a shared machine this is the steadier figure), and for WebGPU
 * dispatches, submissions and bytes per step: the bytes bound by the dispatches (an upper bound
 * on what the kernels move) and the bytes uploaded. `--preset` also takes the paper presets;
 * `--batch` shrinks their batch so a software adapter runs them (the dispatch count of a step
 * does not depend on the batch: docs/gpu.md "Dispatches per step"). `--kernels` lists the
 * dispatches of one step by kernel. The paper preset's step budget (`STEP_DISPATCH_BUDGET`), its
 * count before the fused paths and the target (half of it) are printed beside its count.
 *
 *   scripts/run-ts.sh scripts/bench-step.ts [--steps 20] [--warmup 3] [--read-every 10] [--backend cpu|webgpu|both]
 *                     [--preset quick-listops-proxy,listops-proxy-paper,...] [--batch 2] [--kernels]
 */
import { checkFlags, flagValue as option, positiveIntFlag as count } from './bench/flags';
import { CpuBackend, type Backend } from '../src/engine';
import { WebGpuBackend } from '../src/engine/webgpu/backend';
import { acquireGpu, backendLabel } from '../src/engine/webgpu/device';
import { nodeGpu } from '../src/engine/webgpu/node';
import { getPreset } from '../src/presets';
import { QUICK_PRESETS } from '../src/presets/quick';
import { STEP_BUDGET_PRESET, STEP_DISPATCH_BUDGET, STEP_DISPATCH_TARGET, STEP_DISPATCHES_BEFORE } from '../src/train/stepBudget';
import { taskFor } from '../src/train/taskFromConfig';
import { Trainer } from '../src/train/trainer';
import { fsFetcher } from './corpora/fs-fetch';

checkFlags(
  {
    '--steps': 'value',
    '--warmup': 'value',
    '--read-every': 'value',
    '--backend': 'value',
    '--preset': 'value',
    '--batch': 'value',
    '--kernels': 'switch',
  },
  'usage: npm run bench:step -- [--steps 20] [--warmup 3] [--read-every 10] [--backend cpu|webgpu|both] [--preset name,...] [--batch n] [--kernels]',
);

const steps = count('steps', 20);
const warmup = count('warmup', 3);
const readEvery = count('read-every', 10);
const which = option('backend', 'both');
if (!['cpu', 'webgpu', 'both'].includes(which)) throw new Error(`--backend must be cpu, webgpu or both, got ${which}`);
const names = option('preset', QUICK_PRESETS.map((p) => p.name).join(',')).split(',');
for (const n of names)
  if (!getPreset(n))
    throw new Error(
      `--preset ${n} is not a preset (quick ones: ${QUICK_PRESETS.map((p) => p.name).join(', ')}; or <task>-<variant>-paper)`,
    );
const batchOverride = process.argv.includes('--batch') ? count('batch', 0) : null;
const listKernels = process.argv.includes('--kernels');

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
  const preset = getPreset(presetName)!;
  const config = batchOverride === null ? preset.config : { ...preset.config, batchSize: batchOverride, microBatches: 0 };
  const task = await taskFor(config, fsFetcher('public/data'));
  const { backend, label, close } = await makeBackend(kind);
  const trainer = new Trainer(backend, config, task);
  for (let i = 0; i < warmup; i++) trainer.trainStep();
  await trainer.readPending();
  const gpu = backend instanceof WebGpuBackend ? backend : null;
  const d0 = gpu?.dispatchCount ?? 0;
  const sub0 = gpu?.submitCount ?? 0;
  const c0n = gpu?.clearCount ?? 0;
  const bb0 = gpu?.bytesBound ?? 0;
  const bw0 = gpu?.bytesWritten ?? 0;
  const k0 = gpu?.dispatchesByKernel() ?? new Map<string, number>();
  let readMs = 0;
  let stepDispatches = 0;
  let recordMs = 0;
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  let lastLoss = NaN;
  for (let i = 1; i <= steps; i++) {
    const s0 = performance.now();
    const sd0 = gpu?.dispatchCount ?? 0;
    trainer.trainStep();
    stepDispatches += (gpu?.dispatchCount ?? 0) - sd0;
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
  // The step's own dispatches; the reads' (the finiteness check of the weights) are shown apart.
  const perStep = stepDispatches / steps;
  const inReads = gpu ? (gpu.dispatchCount - d0 - stepDispatches) / steps : 0;
  const mb = (bytes: number) => (bytes / steps / 2 ** 20).toFixed(1);
  const budget =
    presetName === STEP_BUDGET_PRESET
      ? ` (budget ${STEP_DISPATCH_BUDGET}; ${STEP_DISPATCHES_BEFORE} before the fused paths, target ${STEP_DISPATCH_TARGET})`
      : '';
  const gpuPart = gpu
    ? `, ${perStep.toFixed(0)} dispatches/step${budget} (+${inReads.toFixed(1)} in reads), ${((gpu.submitCount - sub0) / steps).toFixed(2)} submissions/step, ${((gpu.clearCount - c0n) / steps).toFixed(0)} buffer clears/step, ${mb(gpu.bytesBound - bb0)} MiB bound/step, ${mb(gpu.bytesWritten - bw0)} MiB uploaded/step`
    : '';
  let kernels = '';
  if (gpu && listKernels) {
    const rows = [...gpu.dispatchesByKernel()].map(([k, n]) => [k, (n - (k0.get(k) ?? 0)) / steps] as const).filter(([, n]) => n > 0);
    kernels = `\n${rows
      .sort((a, b) => b[1] - a[1])
      .map(([k, n]) => `    ${n.toFixed(1).padStart(7)}  ${k}`)
      .join('\n')}`;
  }
  trainer.dispose();
  close();
  const shape = `B ${config.batchSize}, n ${config.seqLen}`;
  return `${presetName.padEnd(24)} ${kind.padEnd(6)} ${shape} ${ms.toFixed(1).padStart(8)} ms/step (CPU time ${cpuMs.toFixed(1)}; in trainStep ${(recordMs / steps).toFixed(1)}; waiting in reads ${(readMs / steps).toFixed(1)})${gpuPart}, loss ${lastLoss.toFixed(4)}  [${label}]${kernels}`;
}

const kinds: ('cpu' | 'webgpu')[] = which === 'both' ? ['cpu', 'webgpu'] : [which as 'cpu' | 'webgpu'];
console.log(`${steps} timed steps after ${warmup} warm-up steps, a read every ${readEvery}`);
for (const kind of kinds) for (const name of names) console.log(await bench(kind, name));
