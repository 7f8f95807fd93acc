/**
 * Evaluation forward time of a Proxyformer with injection 'none', with and without the cache of
 * its input-independent part (Q̃, K̃, K2 and Z ≈ K2⁺ per layer; src/model/attention/proxy.ts).
 * A benchmark, not a test: "without" bumps `weightsVersion` before every forward, which is
 * exactly what the cache saves (the projections of the proxies, K2 and the pseudo-inverse).
 *
 *   scripts/run-ts.sh scripts/bench-models.ts [--backend cpu|webgpu] [--n 256] [--m 64]
 *       [--batch 8] [--d 64] [--layers 2] [--iterations 6] [--repeats 10]
 *
 * Each figure is the median wall time of `repeats` forwards (after 2 warm-ups), each ending
 * with a read-back of the logits so the device work is inside the measurement. Software
 * adapters (SwiftShader) say nothing about GPU speed; the ratio is what to look at.
 */
import { checkFlags, flagValue as arg, positiveIntFlag as intArg } from './bench/flags';
import { CpuBackend, intTensor, noGrad, scope, tensor, type Backend } from '../src/engine';
import { nodeGpu } from '../src/engine/webgpu/node';
import { acquireGpu, backendLabel, type GpuContext } from '../src/engine/webgpu/device';
import { WebGpuBackend } from '../src/engine/webgpu/backend';
import { buildModel } from '../src/model/model';
import { tinyConfig } from '../src/model/testing/configs';

checkFlags(
  Object.fromEntries(
    ['--backend', '--n', '--m', '--batch', '--d', '--layers', '--iterations', '--repeats'].map((f) => [f, 'value' as const]),
  ),
  'usage: npm run bench:models -- [--backend cpu|webgpu] [--n 256] [--m 64] [--batch 8] [--d 64] [--layers 2] [--iterations 6] [--repeats 10]',
);

const which = arg('backend', 'cpu');
if (which !== 'cpu' && which !== 'webgpu') throw new Error(`--backend must be cpu or webgpu, got ${which}`);
const [n, m, batch, d, layers, iterations, repeats] = [
  intArg('n', 256),
  intArg('m', 64),
  intArg('batch', 8),
  intArg('d', 64),
  intArg('layers', 2),
  intArg('iterations', 6),
  intArg('repeats', 10),
];

let ctx: GpuContext | null = null;
let backend: Backend;
let label: string;
if (which === 'webgpu') {
  ctx = await acquireGpu({}, nodeGpu());
  backend = new WebGpuBackend(ctx);
  label = backendLabel(ctx.report);
} else {
  backend = new CpuBackend('f32');
  label = 'CPU backend (f32, plain loops)';
}

const config = tinyConfig('proxy', {
  injection: 'none',
  seqLen: n,
  landmarks: m,
  dModel: d,
  ffn: 2 * d,
  layers,
  heads: 2,
  pinvIterations: iterations,
  convKernel: 35 > n ? 3 : 35,
});
const model = buildModel(backend, config, 1, { batchSize: batch });
const tokens = intTensor(
  backend,
  Array.from({ length: batch * n }, (_, i) => 1 + (i % 10)),
  [batch, n],
);
const mask = tensor(backend, new Array(batch * n).fill(1), [batch, n]);

async function forwardMs(bump: boolean): Promise<number> {
  if (bump) model.weightsChanged();
  const t0 = performance.now();
  const logits = noGrad(() => scope(() => model.forward({ tokens, mask }, { train: false }).logits));
  await logits.read();
  logits.dispose();
  return performance.now() - t0;
}

async function median(bump: boolean): Promise<number> {
  for (let i = 0; i < 2; i++) await forwardMs(bump);
  const times: number[] = [];
  for (let i = 0; i < repeats; i++) times.push(await forwardMs(bump));
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)];
}

const without = await median(true);
const withCache = await median(false);
console.log(`${label}`);
console.log(`proxy, injection none: B ${batch}, n ${n}, m ${m}, d ${d}, ${layers} layers, ${iterations} pinv iterations`);
console.log(`eval forward without cache: ${without.toFixed(2)} ms (median of ${repeats})`);
console.log(`eval forward with cache:    ${withCache.toFixed(2)} ms`);
console.log(
  `gain: ${(without - withCache).toFixed(2)} ms per forward (${((1 - withCache / without) * 100).toFixed(1)}%, ×${(without / withCache).toFixed(2)})`,
);
model.dispose();
if (ctx) {
  (backend as WebGpuBackend).dispose();
  ctx.destroy();
}
