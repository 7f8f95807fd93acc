/**
 * `npm run study -- --study <name|file.json> [--out DIR] [--backend auto|webgpu|cpu] [--steps N] [--seeds 0,1,2] [--report yes]`:
 * runs a study (src/study) in Node, one run after another, and writes under `<out>/<study>/`:
 * `outcomes.json` (one entry per finished run, written after each), `results.md` and
 * `results.csv` (per configuration mean ± 95 % t-interval, paired difference against the
 * baseline), `curves.csv` and `curves.svg` (validation accuracy per arm with its seed band).
 * Restarting the same command skips the runs already in outcomes.json; a run that was killed
 * midway starts again from its first step. `--report yes` only writes the tables and curves of
 * the runs finished so far (a study stopped early is reported as it stands).
 */
import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expandStudy, type Study } from '../src/study/definition';
import { parseStudy } from '../src/study/load';
import { curvesCsv, curvesSvg, studyCurves } from '../src/study/curves';
import { studyCsv, studyMarkdown, summarizeStudy, type RunOutcome } from '../src/study/results';
import { paperMarkdown, paperRow } from '../src/study/paperTables';
import { STUDIES } from '../src/study/studies';
import type { BackendChoice } from '../src/train/protocol';
import { trainHeadless } from './headless';
import { runOutcome } from './study/outcome';

const USAGE = `usage: npm run study -- --study <${Object.keys(STUDIES).join('|')}|file.json> [--out runs/studies] [--backend auto|webgpu|cpu] [--steps N] [--seeds 0,1,2] [--report yes]`;

function parseArgs(argv: string[]): {
  study: string;
  out: string;
  backend: BackendChoice;
  steps?: number;
  seeds?: number[];
  report: boolean;
} {
  const flags = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--help' || a === '-h') {
      console.log(USAGE);
      process.exit(0);
    }
    if (!a.startsWith('--') || i + 1 >= argv.length) fail(`expected --flag value pairs, got "${a}"`);
    flags.set(a.slice(2), argv[++i]);
  }
  for (const k of flags.keys()) if (!['study', 'out', 'backend', 'steps', 'seeds', 'report'].includes(k)) fail(`unknown flag --${k}`);
  const study = flags.get('study') ?? fail('--study is required');
  const backend = (flags.get('backend') ?? 'auto') as BackendChoice;
  if (!['auto', 'webgpu', 'cpu'].includes(backend)) fail(`--backend must be auto, webgpu or cpu, got ${backend}`);
  const steps = flags.has('steps') ? Number(flags.get('steps')) : undefined;
  if (steps !== undefined && !(Number.isInteger(steps) && steps >= 1))
    fail(`--steps must be a positive integer, got ${flags.get('steps')}`);
  const seeds = flags.get('seeds')?.split(',').map(Number);
  if (seeds?.some((s) => !Number.isInteger(s) || s < 0))
    fail(`--seeds must be non-negative integers separated by commas, got ${flags.get('seeds')}`);
  const report = flags.get('report') ?? 'no';
  if (!['yes', 'no'].includes(report)) fail(`--report must be yes or no, got ${report}`);
  return { study, out: flags.get('out') ?? 'runs/studies', backend, steps, seeds, report: report === 'yes' };
}

function fail(message: string): never {
  console.error(`error: ${message}\n${USAGE}`);
  process.exit(2);
}

const args = parseArgs(process.argv.slice(2));
let study: Study;
try {
  study = STUDIES[args.study] ?? parseStudy(await readFile(args.study, 'utf8'), args.study);
} catch (err) {
  fail(
    existsSync(args.study) || args.study.endsWith('.json') ? (err as Error).message : `no built-in study "${args.study}" and no such file`,
  );
}
if (args.seeds) study = { ...study, seeds: args.seeds };
if (args.steps) {
  const steps = args.steps;
  study = {
    ...study,
    base: { ...study.base, steps, warmupSteps: Math.min(study.base.warmupSteps, steps), evalEvery: Math.min(study.base.evalEvery, steps) },
  };
}
const runs = expandStudy(study);
const invalid = runs.filter((r) => !r.ok);
if (invalid.length > 0)
  fail(
    invalid
      .map(
        (r) =>
          `${r.id}: ${r.issues
            .filter((i) => i.severity === 'error')
            .map((i) => i.message)
            .join(' ')}`,
      )
      .join('\n'),
  );

const dir = join(args.out, study.name);
await mkdir(dir, { recursive: true });
const outcomesFile = join(dir, 'outcomes.json');
const outcomes: RunOutcome[] = existsSync(outcomesFile) ? JSON.parse(await readFile(outcomesFile, 'utf8')) : [];
const done = new Set(outcomes.map((o) => o.runId));
const pending = args.report ? [] : runs.filter((r) => !done.has(r.id));
console.log(
  `study ${study.name}: ${runs.length} runs (${study.arms.length} configurations × ${study.seeds.length} seeds), ${done.size} already finished${args.report ? ' (report only: nothing runs)' : ''}; results in ${dir}`,
);

const started = performance.now();
for (const [i, run] of pending.entries()) {
  const eta = i === 0 ? '' : `, about ${((((performance.now() - started) / i) * (pending.length - i)) / 60_000).toFixed(1)} min left`;
  console.log(`[${runs.length - pending.length + i + 1}/${runs.length}] ${run.id}${eta}`);
  let testAccuracy = NaN;
  const { code, session, backend } = await trainHeadless({
    config: run.config,
    runId: run.id,
    out: dir,
    backend: args.backend,
    observe: (msg) => {
      if (msg.type === 'eval' && msg.split === 'test') testAccuracy = msg.accuracy;
      if (msg.type === 'failure') console.error(`  ${msg.kind}: ${msg.message}`);
    },
  });
  if (code !== 0) {
    console.error(`${run.id} failed; the study stops here (rerun the same command to continue after fixing it).`);
    process.exit(1);
  }
  const outcome = await runOutcome(run, session, testAccuracy, backend);
  console.log(`  test accuracy ${(100 * outcome.testAccuracy).toFixed(2)}% over ${outcome.testExamples} examples (${backend})`);
  outcomes.push(outcome);
  // Written whole to a temporary name, then renamed: a kill never leaves half a file.
  await writeFile(`${outcomesFile}.tmp`, JSON.stringify(outcomes, null, 2));
  await rename(`${outcomesFile}.tmp`, outcomesFile);
}

const finished = outcomes.filter((o) => runs.some((r) => r.id === o.runId));
const rows = summarizeStudy(study, finished);
// Our numbers beside the published ones for the same task and variant (src/study/paperTables.ts).
const published = paperMarkdown(
  rows.map((r) => {
    const arm = study.arms.find((a) => a.name === r.arm)!;
    const acc = r.metrics.testAccuracy;
    return paperRow(
      study.base.task,
      arm.attention,
      acc ? { mean: 100 * acc.mean, half: 100 * acc.half, seeds: acc.n, steps: study.base.steps } : null,
    );
  }),
);
const markdown = `# ${study.title}\n\n${study.description}\n\n${studyMarkdown(study, rows)}\n\nBackend: ${[...new Set(outcomes.map((o) => o.backend))].join(', ')}.\n\n## Beside the papers\n\n${published}\n`;
await writeFile(join(dir, 'results.md'), markdown);
await writeFile(join(dir, 'results.csv'), studyCsv(rows));
const curves = studyCurves(study, finished);
await writeFile(join(dir, 'curves.csv'), curvesCsv(curves));
if (curves.some((c) => c.points.length > 0))
  await writeFile(join(dir, 'curves.svg'), curvesSvg(curves, `${study.title}: validation accuracy, mean and 95 % band over seeds`));
console.log(`\n${markdown}`);
