/**
 * `scripts/run-ts.sh scripts/bench-memory.ts`: peak memory per sequence of one training step for
 * every swept variant (src/bench/rows.ts) at the paper preset, on the CPU reference backend. The
 * pool accounting (src/engine/memoryAccounting.ts) is the one the WebGPU pool uses and does not
 * depend on speed, so the CPU gives the same bytes as a GPU without its limits (docs/gpu.md
 * "Memory at n = 4096"). Rows are written as they finish.
 *
 *   scripts/run-ts.sh scripts/bench-memory.ts [--length 4096] [--batch 1] [--variants proxy-fused,...] [--out results/<name>] [--append yes]
 *
 * `--append yes` keeps the rows already in the folder's memory.json (same n and batch) for the
 * variants not measured now, so a variant added later joins the committed table.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CpuBackend } from '../src/engine';
import { VARIANTS, VARIANT_NAMES, measure, type Row, type Variant } from '../src/bench/sweep';

const args = new Map<string, string>();
const argv = process.argv.slice(2);
for (let i = 0; i < argv.length; i += 2) {
  if (!argv[i].startsWith('--') || argv[i + 1] === undefined) {
    console.error(`unexpected argument "${argv[i]}": use --length N --batch B --variants a,b --out DIR`);
    process.exit(2);
  }
  args.set(argv[i].slice(2), argv[i + 1]);
}
const n = Number(args.get('length') ?? 4096);
const batch = Number(args.get('batch') ?? 1);
const variants = (args.get('variants')?.split(',') ?? [...VARIANTS]) as Variant[];
for (const v of variants) if (!VARIANTS.includes(v)) throw new Error(`variant "${v}" is not one of ${VARIANTS.join(', ')}`);
const folder = args.get('out') ?? join('results', `${new Date().toISOString().slice(0, 10)}-cpu-reference-memory-${n}`);
mkdirSync(folder, { recursive: true });

const mib = (b: number) => (b / 2 ** 20).toFixed(2);
const rows: Row[] = [];
const earlier = join(folder, 'memory.json');
if (args.get('append') === 'yes' && existsSync(earlier)) {
  const old = JSON.parse(readFileSync(earlier, 'utf8')) as { n: number; batch: number; rows: Row[] };
  if (old.n !== n || old.batch !== batch)
    throw new Error(`${earlier} is for n ${old.n}, batch ${old.batch}: not appending n ${n}, batch ${batch}`);
  rows.push(...old.rows.filter((r) => !variants.includes(r.variant)));
}
const commandLine = `scripts/run-ts.sh scripts/bench-memory.ts ${argv.join(' ')}`.trim();
for (const variant of variants) {
  const backend = new CpuBackend('f32');
  const row = await measure(backend, variant, 'train', n, { variants: [variant], lengths: [n], batch, warmup: 0, repeats: 1 });
  backend.dispose();
  rows.push(row);
  console.log(
    `${VARIANT_NAMES[variant]} n=${n} batch ${batch}: ${row.status === 'ok' ? `${mib(row.peakBytesPerSequence!)} MiB/seq` : row.note}`,
  );
  const table = rows.map((r) => `| ${VARIANT_NAMES[r.variant]} | ${r.status === 'ok' ? mib(r.peakBytesPerSequence!) : r.status} |`);
  const md = [
    `# Training-step peak memory per sequence, n = ${n}, batch ${batch} (CPU reference pool accounting)`,
    '',
    `Command (the last one; earlier rows kept with \`--append yes\`): \`${commandLine}\``,
    '',
    '| variant | MiB per sequence |',
    '| --- | --- |',
    ...table,
  ].join('\n');
  writeFileSync(join(folder, 'memory.md'), md + '\n');
  writeFileSync(join(folder, 'memory.json'), JSON.stringify({ n, batch, backend: backend.label, rows }, null, 2) + '\n');
}
