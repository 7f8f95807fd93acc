/**
 * `npm run bench`: the scaling sweep of issue 9 in Node through Dawn, with the tfjs-webgpu
 * peer, written to `results/<date>-<adapter>/bench.json` and `bench.md`.
 *
 *   scripts/run-ts.sh scripts/bench.ts [--batch 32] [--lengths 256,...,8192] [--peers tfjs|none] ...
 *
 * A CI-sized run on SwiftShader: --batch 1 --lengths 64,128,256 --landmarks 32 --conv 3 --repeats 3.
 * Figures from a software adapter are correctness smoke, not GPU speed (shared/TESTING.md).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runSweep } from '../src/bench/sweep';
import { toMarkdown, targetLines } from '../src/bench/report';
import { resultFolderName } from '../src/bench/naming';
import { WebGpuBackend } from '../src/engine/webgpu/backend';
import { parseBenchArgs } from './bench/args';
import { benchGpu, nodeAdapterInfo } from './bench/nodeGpu';
import { runTfjsPeer } from './bench/tfjsNode';

const args = parseBenchArgs(process.argv.slice(2));
const ctx = await benchGpu();
const backend = new WebGpuBackend(ctx);
const adapter = nodeAdapterInfo(ctx, backend.label);
const limits = { maxStorageBufferBindingSize: ctx.device.limits.maxStorageBufferBindingSize, maxBufferSize: ctx.device.limits.maxBufferSize };
console.log(`${adapter.label} — ${adapter.runtime}; batch ${args.sweep.batch}, lengths ${args.sweep.lengths.join(', ')}`);

const result = await runSweep(backend, adapter, { ...args.sweep, limits }, (p) => {
  if (!p.row) return;
  const r = p.row;
  const what = r.status === 'ok' ? `${r.ms!.median.toFixed(2)} ms, ${r.sequencesPerSecond!.toFixed(2)} seq/s, ${(r.peakBytesPerSequence! / 2 ** 20).toFixed(2)} MiB/seq${r.note ? ` (${r.note})` : ''}` : `${r.status}: ${r.note}`;
  console.log(`[${p.done}/${p.total}] ${r.variant} ${r.mode} n=${r.n}: ${what}`);
});
backend.dispose();
ctx.destroy();

if (args.peers.includes('tfjs')) {
  console.log('peer: tfjs (webgpu backend) training step');
  result.peers.push(...(await runTfjsPeer(result, args.sweep)));
}

const folder = join(args.outRoot, args.outName ?? resultFolderName(result));
mkdirSync(folder, { recursive: true });
writeFileSync(join(folder, 'bench.json'), JSON.stringify(result, null, 2) + '\n');
writeFileSync(join(folder, 'bench.md'), toMarkdown(result) + '\n');
for (const g of result.growth) console.log(`growth ${g.variant} ${g.mode}: exponent ${g.fit.exponent.toFixed(2)} (R² ${g.fit.r2.toFixed(3)}, n ${g.lengths.join(',')})`);
for (const line of targetLines(result)) console.log(line);
for (const p of result.peers) console.log(`peer ${p.peer} ${p.variant} ${p.mode} n=${p.n}: ${p.status === 'ok' ? `${p.ms!.median.toFixed(2)} ms, ratio ${p.ratioToOurs?.toFixed(2)}` : `${p.status}: ${p.note}`}`);
console.log(`wrote ${folder}/bench.json and bench.md`);
