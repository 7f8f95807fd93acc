/**
 * `npm run train -- --preset <name> [--steps N] [--out DIR] [--backend webgpu|cpu] [--<key> V]`:
 * the same training session as the browser worker, in Node (WebGPU through Dawn, or the CPU
 * reference backend), with a progress line, metrics as CSV and checkpoints under --out.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseTrainArgs, USAGE } from '../src/train/cli/args';
import { progressLine } from '../src/train/cli/progress';
import type { FromWorker } from '../src/train/protocol';
import { trainHeadless } from './headless';

const parsed = parseTrainArgs(process.argv.slice(2));
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

const { code, session } = await trainHeadless({ config: args.config, runId: args.runId, out: args.out, backend: args.backend, resume: args.resume, observe });
await writeFile(join(runDir, 'metrics.csv'), session.metrics.toCsv());
await writeFile(join(runDir, 'config.json'), JSON.stringify(args.config, null, 2));
console.log(`metrics: ${join(runDir, 'metrics.csv')}; checkpoints: ${runDir}/{latest,best}.safetensors`);
process.exit(code);
