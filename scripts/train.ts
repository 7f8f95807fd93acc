/**
 * `npm run train -- --preset <name> [--steps N] [--out DIR] [--backend webgpu|cpu] [--<key> V]`:
 * the same training session as the browser worker, in Node (WebGPU through Dawn, or the CPU
 * reference backend), with a progress line, metrics as CSV and checkpoints under --out.
 * `--data FILE` trains on your own dataset (docs/user-data.md): the prepared file is written
 * beside the run as dataset.pfdata, and the run ends with bundle.zip, so the PyTorch side
 * (python/proxyformer/user_data.py) reads the same examples and the same model.
 */
import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseTrainArgs, USAGE, type DatasetChoice } from '../src/train/cli/args';
import { describeDataset, loadDataFile, splitDataArgs } from '../src/train/cli/data';
import { DEFAULT_LIMITS, bytesText } from '../src/data/userData';
import { writeBundle } from '../src/io/bundle';
import { parseCheckpoint } from '../src/train/checkpoint';
import { progressLine } from '../src/train/cli/progress';
import type { FromWorker } from '../src/train/protocol';
import { FileCheckpointStore } from '../src/train/store/files';
import { trainHeadless } from './headless';

const dataArgs = splitDataArgs(process.argv.slice(2));
if (dataArgs.errors.length > 0) {
  for (const e of dataArgs.errors) console.error(`error: ${e}`);
  process.exit(2);
}
let dataset: DatasetChoice | undefined;
if (dataArgs.data) {
  const path = dataArgs.data.path;
  try {
    const size = (await stat(path)).size;
    if (size > DEFAULT_LIMITS.maxFileBytes) throw new Error(`${path} is ${bytesText(size)}; a dataset file may be at most ${bytesText(DEFAULT_LIMITS.maxFileBytes)} (maxFileBytes).`);
    const loaded = await loadDataFile(dataArgs.data, new Uint8Array(await readFile(path)));
    console.log(describeDataset(loaded.id, loaded.dataset));
    dataset = { id: loaded.id, file: loaded.file };
  } catch (e) {
    console.error(`error: --data ${path}: ${(e as Error).message}`);
    process.exit(2);
  }
}
const parsed = parseTrainArgs(dataArgs.rest, dataset);
if (!parsed.ok) {
  if (parsed.help) {
    console.log(USAGE);
    process.exit(0);
  }
  for (const e of parsed.errors) console.error(`error: ${e}`);
  console.error(`\n${USAGE}`);
  process.exit(2);
}
const { args, notices } = parsed;
for (const n of notices) console.error(`note: ${n}`);
const runDir = join(args.out, args.runId);
await mkdir(runDir, { recursive: true });
const datasetFile = join(runDir, 'dataset.pfdata');
if (dataset) await writeFile(datasetFile, dataset.file);
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

const started = performance.now();
let last = { step: 0, loss: NaN, trainAccuracy: NaN, valAccuracy: NaN, tokensPerSec: 0 };
const tty = process.stdout.isTTY;
let lastPrint = 0;

function print(force = false): void {
  const now = performance.now();
  if (!force && now - lastPrint < (tty ? 200 : 5000)) return;
  lastPrint = now;
  const line = progressLine({ ...last, totalSteps: args.config.steps, elapsedMs: now - started });
  if (tty) process.stdout.write(`\r${line}`);
  else console.log(line);
}

/** Progress lines and evaluations as the session reports them. */
function observe(msg: FromWorker): void {
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
      if (tty) process.stdout.write('\n');
      console.log(`${msg.split} at step ${msg.step}: loss ${msg.loss.toFixed(4)}, accuracy ${(100 * msg.accuracy).toFixed(2)}%${msg.best ? ' (best so far)' : ''}`);
      break;
    case 'failure':
      console.error(`\n${msg.kind}: ${msg.message}`);
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

const { code, session } = await trainHeadless({ config: args.config, runId: args.runId, out: args.out, backend: args.backend, resume: args.resume, datasets, observe });
await writeFile(join(runDir, 'metrics.csv'), session.metrics.toCsv());
await writeFile(join(runDir, 'config.json'), JSON.stringify(args.config, null, 2));
console.log(`metrics: ${join(runDir, 'metrics.csv')}; checkpoints: ${runDir}/{latest,best}.safetensors`);
// The bundle of the best checkpoint (the one the test split was evaluated on), as the page exports it.
const store = new FileCheckpointStore(args.out);
const best = (await store.load(args.runId, 'best')) ?? (await store.load(args.runId, 'latest'));
if (code === 0 && best) {
  const ckpt = parseCheckpoint(best);
  await writeFile(join(runDir, 'bundle.zip'), writeBundle({ config: ckpt.config, weights: ckpt.weights, metrics: session.metrics }));
  console.log(`bundle: ${join(runDir, 'bundle.zip')}${dataset ? `; dataset: ${datasetFile}` : ''}`);
}
process.exit(code);
