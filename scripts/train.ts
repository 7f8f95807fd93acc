/**
 * `npm run train -- --preset <name> [--steps N] [--out DIR] [--backend webgpu|cpu] [--<key> V]`:
 * the same training session as the browser worker, in Node (WebGPU through Dawn, or the CPU
 * reference backend), with a progress line, metrics as CSV and checkpoints under --out; the run
 * ends with two bundles, bundle-best.zip (the best-validation checkpoint, the one the test split
 * was evaluated on) and bundle-last.zip (the last step). `--resume` continues a saved run; config
 * flags given with it (hot keys such as --lr) override its saved config and are recorded in
 * config.json and metrics.csv. Nothing is written outside --out: the run id is checked first.
 *
 * `--data FILE` trains on your own dataset (docs/user-data.md): the prepared file is written
 * beside the run as dataset.pfdata, so the PyTorch side (python/proxyformer/user_data.py) reads
 * the same examples and the same model.
 *
 * `npm run train -- --compare paper|ablation [same flags]`: the study's runs one after another
 * from that base config (same data and init seeds), each in its own folder, and a results table
 * printed and written to <out>/<study>-<init seed>.md (see scripts/compare.ts). For several
 * seeds with confidence intervals, use `npm run study`.
 */
import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { RunConfig } from '../src/config';
import { DEFAULT_LIMITS, bytesText } from '../src/data/userData';
import { writeBundle } from '../src/io/bundle';
import { summarizeRun, type RunResult } from '../src/store/runSummary';
import type { EvalRecord } from '../src/store/trainingStore';
import { parseCheckpoint } from '../src/train/checkpoint';
import { parseTrainArgs, USAGE, type DatasetChoice, type TrainArgs } from '../src/train/cli/args';
import { describeDataset, loadDataFile, splitDataArgs } from '../src/train/cli/data';
import { progressLine } from '../src/train/cli/progress';
import type { FromWorker } from '../src/train/protocol';
import { atomicWrite, FileCheckpointStore } from '../src/train/store/files';
import { COMPARE_USAGE, studyTable, takeCompareFlag, type StudyRow } from './compare';
import { trainHeadless } from './headless';
import { FileTuneStore } from '../src/engine/webgpu/autotune/fileStore';

const usage = `${USAGE}\n${COMPARE_USAGE}`;
const compare = takeCompareFlag(process.argv.slice(2));
const dataArgs = splitDataArgs(compare.rest);
if (dataArgs.errors.length > 0) {
  for (const e of dataArgs.errors) console.error(`error: ${e}`);
  process.exit(2);
}
let dataset: DatasetChoice | undefined;
if (dataArgs.data) {
  const path = dataArgs.data.path;
  try {
    const size = (await stat(path)).size;
    if (size > DEFAULT_LIMITS.maxFileBytes)
      throw new Error(
        `${path} is ${bytesText(size)}; a dataset file may be at most ${bytesText(DEFAULT_LIMITS.maxFileBytes)} (maxFileBytes).`,
      );
    const loaded = await loadDataFile(dataArgs.data, new Uint8Array(await readFile(path)));
    console.log(describeDataset(loaded.id, loaded.dataset));
    dataset = { id: loaded.id, file: loaded.file };
  } catch (e) {
    console.error(`error: --data ${path}: ${(e as Error).message}`);
    process.exit(2);
  }
}
const parsed = parseTrainArgs(dataArgs.rest, dataset);
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
const datasetFile = join(args.out, args.runId, 'dataset.pfdata');
if (dataset) {
  await mkdir(join(args.out, args.runId), { recursive: true });
  await atomicWrite(datasetFile, dataset.file);
}
// A custom run (also a --resume without --data) reads its dataset from beside the run.
const datasets = {
  async get(id: string) {
    if (dataset?.id === id) return dataset.file;
    try {
      return new Uint8Array(await readFile(datasetFile));
    } catch {
      return undefined;
    }
  },
};
const tty = process.stdout.isTTY;

/** Train one config to its end; the exit code (0 finished, 1 failed) and the run's summary. */
async function trainOnce(config: RunConfig, runId: string, a: TrainArgs): Promise<{ code: number; result: RunResult; failure?: string }> {
  const runDir = join(a.out, runId);
  await mkdir(runDir, { recursive: true });
  const started = performance.now();
  let last = { step: 0, loss: NaN, trainAccuracy: NaN, valAccuracy: NaN, tokensPerSec: 0 };
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

  /** Progress lines and evaluations as the session reports them. */
  function observe(msg: FromWorker): void {
    switch (msg.type) {
      case 'backend':
        console.log(`backend: ${msg.label}${msg.reason ? ` (${msg.reason})` : ''}`);
        break;
      case 'plan':
        console.log(msg.line);
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
        console.log(
          `${msg.split} at step ${msg.step}: loss ${msg.loss.toFixed(4)}, accuracy ${(100 * msg.accuracy).toFixed(2)}%${msg.best ? ' (best so far)' : ''}`,
        );
        break;
      case 'failure':
        console.error(`\n${msg.kind}: ${msg.message}`);
        failure = `${msg.kind}: ${msg.message}`;
        break;
      case 'state':
        if (msg.state === 'finished') {
          print(true);
          console.log(`\nfinished: ${msg.message ?? ''}`);
        }
        break;
      default:
        break;
    }
  }

  const { resume, overrides } = a;
  const tuning = a.tune || a.clearTuneCache ? new FileTuneStore() : null;
  if (a.clearTuneCache) {
    await tuning!.clear();
    console.log(`cleared the tuning cache ${tuning!.where}`);
  }
  if (a.tune) console.log(`matmul tuned for this adapter on first use, kept in ${tuning!.where}`);
  const { code, session } = await trainHeadless({
    config,
    runId,
    out: a.out,
    backend: a.backend,
    resume,
    overrides,
    datasets,
    observe,
    tuning: a.tune ? tuning : null,
  });
  await atomicWrite(join(runDir, 'metrics.csv'), session.metrics.toCsv());
  await atomicWrite(join(runDir, 'config.json'), JSON.stringify(session.runConfig ?? config, null, 2));
  console.log(`metrics: ${join(runDir, 'metrics.csv')}; checkpoints: ${runDir}/{latest,best}.safetensors`);
  // Both bundles, each saying in its metadata which step it holds, as the page exports them.
  const store = new FileCheckpointStore(a.out);
  for (const [kind, file] of [
    ['best', 'best'],
    ['last', 'latest'],
  ] as const) {
    const bytes = code === 0 ? await store.load(runId, file) : null;
    if (!bytes) continue;
    const ckpt = parseCheckpoint(bytes);
    const bundle = writeBundle({
      config: ckpt.config,
      weights: ckpt.weights,
      metrics: ckpt.metrics,
      checkpoint: { kind, step: ckpt.step },
    });
    await atomicWrite(join(runDir, `bundle-${kind}.zip`), bundle);
    console.log(`bundle (${kind === 'best' ? 'best validation' : 'last step'}, step ${ckpt.step}): ${join(runDir, `bundle-${kind}.zip`)}`);
  }
  if (dataset) console.log(`dataset: ${datasetFile}`);
  return { code, result: summarizeRun(session.metrics, evals), failure };
}

if (!compare.study) {
  const { code } = await trainOnce(args.config, args.runId, args);
  process.exit(code);
}

const study = compare.study;
const rows: StudyRow[] = [];
const runs = study.runs(args.config);
console.log(
  `${study.title} on ${args.config.task} from ${args.preset}: ${runs.map((r) => r.ablation.label).join(', ')}; data seed ${args.config.dataSeed}, init seed ${args.config.initSeed}`,
);
for (const [i, run] of runs.entries()) {
  console.log(`\n[${i + 1}/${runs.length}] ${run.ablation.label}: ${run.ablation.what}`);
  if (!run.ok) {
    const why = run.issues
      .filter((x) => x.severity === 'error')
      .map((x) => x.message)
      .join(' ');
    console.log(`skipped: ${why}`);
    rows.push({ label: run.ablation.label, status: 'skipped', note: why });
    continue;
  }
  const { code, result, failure } = await trainOnce(run.config, `${study.name}-${run.ablation.name}-${run.config.initSeed}`, args);
  rows.push({
    label: run.ablation.label,
    status: code === 0 ? 'finished' : 'failed',
    note: code === 0 ? undefined : (failure ?? 'the run failed'),
    result,
  });
}
for (const u of study.unavailable)
  rows.push({ label: u.label, status: 'not yet available', note: u.note.replace(/^not yet available: /, '') });
const table = studyTable(rows);
const file = join(args.out, `${study.name}-${args.config.initSeed}.md`);
await writeFile(
  file,
  `# ${study.title}: ${args.config.task}, ${args.config.steps} steps, from ${args.preset}\n\nBackend: ${args.backend}. ${study.description}\n\n${table}\n`,
);
console.log(`\n${table}\n\ntable: ${file}`);
process.exit(rows.some((r) => r.status === 'failed') ? 1 : 0);
