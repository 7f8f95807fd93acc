/**
 * `npx tsx scripts/bench-data.ts`: examples per second of each generator and loader in Node
 * (one thread), printed as a table. Prepares the corpora first if needed.
 */

import { checkFlags } from './bench/flags';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fsFetcher } from './corpora/fs-fetch';
import { prepareCorpora } from './corpora/prepare';
import { ImageTask, IMAGE_PRESETS } from '../src/data/corpora/image';
import { loadMnistCorpus, loadSpamCorpus } from '../src/data/corpora/load';
import { RetrievalTask, RETRIEVAL_PRESETS } from '../src/data/corpora/retrieval';
import { TextTask, TEXT_PRESETS } from '../src/data/corpora/text';
import { createListOpsTask, LISTOPS_PRESETS } from '../src/data/listops/task';
import { createPathfinderTask, PATHFINDER_PRESETS } from '../src/data/pathfinder/task';
import { lraPathfinderRules } from '../src/data/pathfinder/generate';
import type { TaskSource } from '../src/data/task';

checkFlags({}, 'usage: npm run bench:data (no arguments)');

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dataDir = join(root, 'public', 'data');
prepareCorpora({ outDir: dataDir, nodeModules: join(root, 'node_modules') });
const get = fsFetcher(dataDir);

interface Row {
  what: string;
  setup: string;
  perSec: string;
  note: string;
}
const rows: Row[] = [];

/** Times train batches of 32 for at least `minMs`. */
function trainRate(task: TaskSource, minMs = 1500): number {
  const t0 = performance.now();
  let n = 0;
  for (let b = 0; performance.now() - t0 < minMs; b++) n += task.batch('train', b, 32).batchSize;
  return (n / (performance.now() - t0)) * 1000;
}

function time<T>(f: () => T): [T, number] {
  const t0 = performance.now();
  const v = f();
  return [v, performance.now() - t0];
}

const small = { train: 100000, validation: 500, test: 500 };
for (const [name, cfg] of [
  ['ListOps paper (501–1999 tokens)', { ...LISTOPS_PRESETS.paper, sizes: { train: 96000, validation: 2000, test: 2000 } }],
  ['ListOps small (64–255 tokens)', LISTOPS_PRESETS.small],
] as const) {
  const [task, ms] = time(() => createListOpsTask(cfg, 1));
  rows.push({
    what: name,
    setup: `${(ms / 1000).toFixed(2)} s`,
    perSec: trainRate(task).toFixed(0),
    note: `${cfg.sizes.validation + cfg.sizes.test} eval trees built in setup`,
  });
}
for (const contour of [14, 9, 6] as const) {
  const cfg = { rules: lraPathfinderRules(contour), sizes: small };
  const [task, ms] = time(() => createPathfinderTask(cfg, 1));
  rows.push({
    what: `Pathfinder-32 contour ${contour}`,
    setup: `${(ms / 1000).toFixed(2)} s`,
    perSec: trainRate(task).toFixed(0),
    note: `${small.validation + small.test} eval images in setup (paper preset: ${PATHFINDER_PRESETS.paper.sizes.validation + PATHFINDER_PRESETS.paper.sizes.test})`,
  });
}
{
  const t0 = performance.now();
  const spam = await loadSpamCorpus(get);
  const load = performance.now() - t0;
  const [text, tms] = time(() => new TextTask(spam, TEXT_PRESETS.paper, 1));
  rows.push({
    what: 'Text (spam, 4096 bytes)',
    setup: `${((load + tms) / 1000).toFixed(2)} s`,
    perSec: trainRate(text).toFixed(0),
    note: 'load spam.bin + index',
  });
  const [ret, rms] = time(() => new RetrievalTask(spam, RETRIEVAL_PRESETS.paper, 1));
  rows.push({
    what: 'Retrieval (2 × 4096 bytes)',
    setup: `${(rms / 1000).toFixed(2)} s`,
    perSec: trainRate(ret).toFixed(0),
    note: 'pair construction',
  });
}
{
  const t0 = performance.now();
  const mnist = await loadMnistCorpus(get);
  const img = new ImageTask(mnist, IMAGE_PRESETS.paper, 1);
  rows.push({
    what: 'Image (MNIST, 1024)',
    setup: `${((performance.now() - t0) / 1000).toFixed(2)} s`,
    perSec: trainRate(img).toFixed(0),
    note: 'load mnist.bin + index',
  });
}

const cols: (keyof Row)[] = ['what', 'setup', 'perSec', 'note'];
const head: Row = { what: 'task', setup: 'setup', perSec: 'train examples/s (batches of 32)', note: 'setup covers' };
const width = cols.map((c) => Math.max(...[head, ...rows].map((r) => r[c].length)));
const line = (r: Row) => `| ${cols.map((c, i) => r[c].padEnd(width[i])).join(' | ')} |`;
console.log(line(head));
console.log(`|${width.map((w) => '-'.repeat(w + 2)).join('|')}|`);
for (const r of rows) console.log(line(r));
console.log(`node ${process.version}, ${process.platform}/${process.arch}, single thread`);
