/**
 * `npm run bench`: the scaling sweep (docs/gpu.md "Targets") in Node through Dawn, with the tfjs-webgpu
 * peer, written to `results/<date>-<adapter>/bench.json` and `bench.md`.
 *
 *   scripts/run-ts.sh scripts/bench.ts [--batch 32] [--lengths 256,...,8192] [--peers tfjs|none] ...
 *
 * A CI-sized run on SwiftShader: --batch 1 --lengths 64,128,256 --landmarks 32 --conv 3 --repeats 3.
 * Figures from a software adapter are correctness smoke, not GPU speed (docs/testing.md "What SwiftShader supports").
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runSweep, targetsOf, type Row } from '../src/bench/sweep';
import { toMarkdown, targetLines } from '../src/bench/report';
import { adapterSlug } from '../src/bench/naming';
import { WebGpuBackend } from '../src/engine/webgpu/backend';
import { parseBenchArgs, UsageError, type BenchArgs } from './bench/args';
import { benchGpu, nodeAdapterInfo } from './bench/nodeGpu';
import { runTfjsPeer } from './bench/tfjsNode';

let args: BenchArgs;
try {
  args = parseBenchArgs(process.argv.slice(2));
} catch (e) {
  if (!(e instanceof UsageError)) throw e;
  // --help is an answer, a bad flag is a refusal: the message either way, never a stack trace.
  (e.help ? console.log : console.error)(e.message);
  process.exit(e.help ? 0 : 2);
}
const ctx = await benchGpu();
const backend = new WebGpuBackend(ctx);
const adapter = nodeAdapterInfo(ctx, backend.label);
const limits = {
  maxStorageBufferBindingSize: ctx.device.limits.maxStorageBufferBindingSize,
  maxBufferSize: ctx.device.limits.maxBufferSize,
};
console.log(`${adapter.label} — ${adapter.runtime}; batch ${args.sweep.batch}, lengths ${args.sweep.lengths.join(', ')}`);

const folder = join(args.outRoot, args.outName ?? `${new Date().toISOString().slice(0, 10)}-${adapterSlug(adapter)}-node`);
mkdirSync(folder, { recursive: true });
// Rows so far, after every row: a run cut short (a time limit on the GPU machine) still leaves its figures.
const partial: Row[] = [];
const result = await runSweep(backend, adapter, { ...args.sweep, limits }, (p) => {
  if (!p.row) return;
  const r = p.row;
  partial.push(r);
  writeFileSync(join(folder, 'partial.json'), JSON.stringify({ adapter, batch: args.sweep.batch, rows: partial }, null, 2) + '\n');
  const what =
    r.status === 'ok'
      ? `${r.ms!.median.toFixed(2)} ms, ${r.sequencesPerSecond!.toFixed(2)} seq/s, ${(r.peakBytesPerSequence! / 2 ** 20).toFixed(2)} MiB/seq${r.note ? ` (${r.note})` : ''}`
      : `${r.status}: ${r.note}`;
  console.log(`[${p.done}/${p.total}] ${r.variant} ${r.mode} n=${r.n}: ${what}`);
});
backend.dispose();
ctx.destroy();

if (args.peers.includes('tfjs')) {
  console.log('peer: tfjs (webgpu backend) training step');
  result.peers.push(...(await runTfjsPeer(result, { ...args.sweep, maxLength: args.peerMaxLength })));
  result.targets = targetsOf(result.rows, result.peers);
}

writeFileSync(join(folder, 'bench.json'), JSON.stringify(result, null, 2) + '\n');
writeFileSync(join(folder, 'bench.md'), toMarkdown(result) + '\n');
rmSync(join(folder, 'partial.json'), { force: true });
for (const g of result.growth)
  console.log(`growth ${g.variant} ${g.mode}: exponent ${g.fit.exponent.toFixed(2)} (R² ${g.fit.r2.toFixed(3)}, n ${g.lengths.join(',')})`);
for (const line of targetLines(result)) console.log(line);
for (const p of result.peers)
  console.log(
    `peer ${p.peer} ${p.variant} ${p.mode} n=${p.n}: ${p.status === 'ok' ? `${p.ms!.median.toFixed(2)} ms, ratio ${p.ratioToOurs?.toFixed(2)}` : `${p.status}: ${p.note}`}`,
  );
console.log(`wrote ${folder}/bench.json and bench.md`);
