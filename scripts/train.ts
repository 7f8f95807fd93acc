/**
 * `npm run train -- --preset <name> [--steps N] [--out DIR] [--backend webgpu|cpu] [--<key> V]`:
 * the same training session as the browser worker, in Node (WebGPU through Dawn, or the CPU
 * reference backend), with a progress line, metrics as CSV and checkpoints under --out.
 *
 * `npm run train -- --compare paper|ablation [same flags]`: the study's runs one after another
 * from that base config (same data and init seeds), each in its own folder, and a results table
 * printed and written to <out>/<study>-<init seed>.md (see scripts/compare.ts).
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fsFetcher } from './corpora/fs-fetch';
import { COMPARE_USAGE, studyTable, takeCompareFlag, type StudyRow } from './compare';
import { nodeGpu } from '../src/engine/webgpu/node';
import type { RunConfig } from '../src/model/config';
import { summarizeRun, type RunResult } from '../src/store/runSummary';
import type { EvalRecord } from '../src/store/trainingStore';
import { createBackend } from '../src/train/backendFactory';
import { parseTrainArgs, USAGE, type TrainArgs } from '../src/train/cli/args';
import { progressLine } from '../src/train/cli/progress';
import type { FromWorker } from '../src/train/protocol';
import { TrainingSession } from '../src/train/session';
import { FileCheckpointStore } from '../src/train/store/files';
import { taskFor } from '../src/train/taskFromConfig';

const usage = `${USAGE}\n${COMPARE_USAGE}`;
const compare = takeCompareFlag(process.argv.slice(2));
const parsed = parseTrainArgs(compare.rest);
if (compare.error || !parsed.ok) {
  if (!compare.error && !parsed.ok && parsed.help) {
    console.log(usage);
    process.exit(0);
  }
  for (const e of [...(compare.error ? [compare.error] : []), ...(parsed.ok ? [] : parsed.errors)]) console.error(`error: ${e}`);
  console.error(`\n${usage}`);
  process.exit(2);
}
const { args, notices } = parsed;
for (const n of notices) console.error(`note: ${n}`);

const tty = process.stdout.isTTY;

/** Train one config to its end; the exit code (0 finished, 1 failed) and the run's summary. */
async function trainOnce(config: RunConfig, runId: string, a: TrainArgs): Promise<{ code: number; result: RunResult; failure?: string }> {
  const runDir = join(a.out, runId);
  await mkdir(runDir, { recursive: true });
  const started = performance.now();
  let last = { step: 0, loss: NaN, trainAccuracy: NaN, valAccuracy: NaN, tokensPerSec: 0 };
  let done: (code: number) => void;
  const finished = new Promise<number>((r) => (done = r));
  const evals: EvalRecord[] = [];
  let failure: string | undefined;
  let lastPrint = 0;

  function print(force = false): void {
    const now = performance.now();
    if (!force && now - lastPrint < (tty ? 200 : 5000)) return;
    lastPrint = now;
    const line = progressLine({ ...last, totalSteps: config.steps, elapsedMs: now - started });
    if (tty) process.stdout.write(`\r${line}`);
    else console.log(line);
  }

  const session = new TrainingSession({
    post(msg: FromWorker) {
      switch (msg.type) {
        case 'backend':
          console.log(`backend: ${msg.label}${msg.reason ? ` (${msg.reason})` : ''}`);
          break;
        case 'metrics':
          for (const r of msg.rows) {
            if (r.loss !== undefined) last = { ...last, step: r.step, loss: r.loss, tokensPerSec: r.tokensPerSec ?? last.tokensPerSec };
            if (r.trainAccuracy !== undefined) last.trainAccuracy = r.trainAccuracy;
            if (r.valAccuracy !== undefined) last.valAccuracy = r.valAccuracy;
          }
          print();
          break;
        case 'eval':
          evals.push({ split: msg.split, step: msg.step, loss: msg.loss, accuracy: msg.accuracy, best: msg.best });
          if (tty) process.stdout.write('\n');
          console.log(`${msg.split} at step ${msg.step}: loss ${msg.loss.toFixed(4)}, accuracy ${(100 * msg.accuracy).toFixed(2)}%${msg.best ? ' (best so far)' : ''}`);
          break;
        case 'failure':
          console.error(`\n${msg.kind}: ${msg.message}`);
          failure = `${msg.kind}: ${msg.message}`;
          if (!msg.canResume || msg.kind !== 'device-lost') done(1);
          break;
        case 'state':
          if (msg.state === 'finished') {
            print(true);
            console.log(`\nfinished: ${msg.message ?? ''}`);
            done(0);
          } else if (msg.state === 'failed') done(1);
          break;
        default:
          break;
      }
    },
    createBackend: (choice) => createBackend(choice, choice === 'cpu' ? undefined : nodeGpu()),
    loadTask: (c) => taskFor(c, fsFetcher('public/data')),
    store: new FileCheckpointStore(a.out),
    yieldToEvents: () => new Promise((r) => setImmediate(r)),
    now: () => performance.now(),
    jsHeap: () => process.memoryUsage().heapUsed,
  });

  await session.handle({ type: 'start', config, runId, backend: a.backend, resume: a.resume });
  const code = await finished;
  await writeFile(join(runDir, 'metrics.csv'), session.metrics.toCsv());
  await writeFile(join(runDir, 'config.json'), JSON.stringify(config, null, 2));
  console.log(`metrics: ${join(runDir, 'metrics.csv')}; checkpoints: ${runDir}/{latest,best}.safetensors`);
  return { code, result: summarizeRun(session.metrics, evals), failure };
}

if (!compare.study) {
  const { code } = await trainOnce(args.config, args.runId, args);
  process.exit(code);
}

const study = compare.study;
const rows: StudyRow[] = [];
const runs = study.runs(args.config);
console.log(`${study.title} on ${args.config.task} from ${args.preset}: ${runs.map((r) => r.ablation.label).join(', ')}; data seed ${args.config.dataSeed}, init seed ${args.config.initSeed}`);
for (const [i, run] of runs.entries()) {
  console.log(`\n[${i + 1}/${runs.length}] ${run.ablation.label}: ${run.ablation.what}`);
  if (!run.ok) {
    const why = run.issues.filter((x) => x.severity === 'error').map((x) => x.message).join(' ');
    console.log(`skipped: ${why}`);
    rows.push({ label: run.ablation.label, status: 'skipped', note: why });
    continue;
  }
  const { code, result, failure } = await trainOnce(run.config, `${study.name}-${run.ablation.name}-${run.config.initSeed}`, args);
  rows.push({ label: run.ablation.label, status: code === 0 ? 'finished' : 'failed', note: code === 0 ? undefined : (failure ?? 'the run failed'), result });
}
for (const u of study.unavailable) rows.push({ label: u.label, status: 'not yet available', note: u.note.replace(/^not yet available: /, '') });
const table = studyTable(rows);
const file = join(args.out, `${study.name}-${args.config.initSeed}.md`);
await writeFile(file, `# ${study.title}: ${args.config.task}, ${args.config.steps} steps, from ${args.preset}\n\nBackend: ${args.backend}. ${study.description}\n\n${table}\n`);
console.log(`\n${table}\n\ntable: ${file}`);
process.exit(rows.some((r) => r.status === 'failed') ? 1 : 0);
