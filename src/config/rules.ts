/**
 * Rules that span several keys, in one place: the validator, the model's batch check, the ONNX
 * exporter and the inference inputs call these instead of restating them. Each message names
 * the values involved and what would work.
 */
import { bufferLimit, formatBytes, largestBuffer, type DeviceLimits } from './limits';
import { byKey, type KeyNamer } from './names';
import type { RunConfig } from './schema';
import { TASK_FACTS } from './tasks';
import type { ConfigIssue } from './values';

/** Whether the variant has landmarks or proxies (the Nyström decomposition). */
export function usesLandmarks(c: Pick<RunConfig, 'attention'>): boolean {
  return c.attention === 'nystrom' || c.attention === 'proxy';
}

/** Whether the variant has parameters with one column per position (Linformer's E): inputs must have exactly seqLen tokens. */
export function fixesLength(c: Pick<RunConfig, 'attention'>): boolean {
  return c.attention === 'linformer';
}

/** Whether the variant needs n to be a multiple of m (segment means of Q, K or X). */
export function usesSegments(c: Pick<RunConfig, 'attention' | 'injection'>): boolean {
  return c.attention === 'nystrom' || (c.attention === 'proxy' && c.injection === 'segment');
}

/** Whether n tokens split into the m equal segments the variant takes means of (always true without segment means). */
export function segmentsFit(c: Pick<RunConfig, 'attention' | 'injection' | 'landmarks'>, n: number): boolean {
  return !usesSegments(c) || n % c.landmarks === 0;
}

/** The side of an MNIST digit; the image task's `imageSize` must divide it (2×2 or 4×4 block means). */
export const MNIST_SIDE = 28;

/** Whether an image side divides MNIST's 28 pixels. */
export function dividesMnist(imageSize: number): boolean {
  return Number.isInteger(imageSize) && imageSize > 0 && MNIST_SIDE % imageSize === 0;
}

/** The longest ListOps tree the generator can produce with this depth and argument count. */
export function maxListopsLength(maxDepth: number, maxArgs: number): number {
  // A node at depth maxDepth is a digit (length 1); above it an operator spans 2 + Σ children.
  let length = 1;
  for (let depth = maxDepth - 1; depth >= 1; depth--) length = Math.min(2 + maxArgs * length, Number.MAX_SAFE_INTEGER);
  return length;
}

/** The bucket sort keeps one counter per bucket in workgroup memory: at most 2·512 buckets. */
export const MAX_REFORMER_CHUNKS = 512;

/**
 * Buckets per round: the largest power of 2 not above 2·n/chunk (Hugging Face's
 * `_set_num_buckets` without its factorisation, which the LRA lengths never reach), so that a
 * bucket holds about half a chunk and a chunk with its predecessor covers a bucket.
 */
export function reformerBuckets(seqLen: number, chunk: number): number {
  const target = Math.max(1, 2 * Math.floor(seqLen / chunk));
  return 2 ** Math.floor(Math.log2(target));
}

/** The keys the model's shape rules read (all in the model part, so the ONNX exporter has them too). */
export type ShapeKeys =
  | 'attention'
  | 'injection'
  | 'dModel'
  | 'heads'
  | 'landmarks'
  | 'seqLen'
  | 'convKernel'
  | 'bigbirdBlock'
  | 'reformerChunk';

/**
 * The rules on the model's shape alone: heads divide d, m ≤ n, n a multiple of m where segment
 * means are taken, an odd conv kernel. Part of `checkRules`; the ONNX exporter runs them alone.
 * `n` says how messages name the keys (names.ts).
 */
export function checkShapeRules(c: Pick<RunConfig, ShapeKeys>, n: KeyNamer = byKey): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const error = (key: string, related: string[], value: unknown, message: string) =>
    issues.push({ key, related, value, severity: 'error', message });
  if (c.dModel % c.heads !== 0) {
    const below = c.dModel - (c.dModel % c.heads);
    const headsOk = divisors(c.dModel).filter((x) => x <= 16);
    error(
      'heads',
      ['dModel'],
      c.heads,
      `${n('dModel')} ${c.dModel} is not divisible by ${n('heads')} ${c.heads}: use ${n('heads')} ${headsOk.join(', ')}, or ${n('dModel')} ${[below, below + c.heads].filter((x) => x >= 4).join(' or ')}.`,
    );
  }
  if (c.attention === 'bigbird' && c.seqLen % c.bigbirdBlock !== 0) {
    const b = c.bigbirdBlock;
    const lower = c.seqLen - (c.seqLen % b);
    error(
      'seqLen',
      ['bigbirdBlock', 'attention'],
      c.seqLen,
      `seqLen ${c.seqLen} is not a multiple of the BigBird block size ${b} (BigBird cuts n into blocks of b tokens): use seqLen ${[lower, lower + b].filter((x) => x >= b).join(' or ')}, or block size ${nearestDivisors(c.seqLen, b).join(' or ')}.`,
    );
  }
  if (c.attention === 'reformer') {
    const k = c.reformerChunk;
    const lower = c.seqLen - (c.seqLen % k);
    if (c.seqLen % k !== 0)
      error(
        'seqLen',
        ['reformerChunk', 'attention'],
        c.seqLen,
        `seqLen ${c.seqLen} is not a multiple of the Reformer chunk length ${k} (the sorted sequence is cut into chunks of equal length): use seqLen ${[lower, lower + k].filter((x) => x >= k).join(' or ')}, or chunk length ${nearestDivisors(c.seqLen, k).join(' or ')}.`,
      );
    else if (c.seqLen / k > MAX_REFORMER_CHUNKS)
      error(
        'reformerChunk',
        ['seqLen', 'attention'],
        k,
        `seqLen ${c.seqLen} / chunk length ${k} gives ${c.seqLen / k} chunks per round; the bucket sort holds at most ${2 * MAX_REFORMER_CHUNKS} buckets (2·n/chunk): use chunk length ≥ ${Math.ceil(c.seqLen / MAX_REFORMER_CHUNKS)}.`,
      );
  }
  if (!usesLandmarks(c)) return issues;
  if (c.landmarks > c.seqLen) {
    error(
      'landmarks',
      ['seqLen'],
      c.landmarks,
      `${n('landmarks')} ${c.landmarks} is more than ${n('seqLen')} ${c.seqLen}: use at most ${c.seqLen} landmarks (m ≤ n), or a longer sequence.`,
    );
  } else if (!segmentsFit(c, c.seqLen)) {
    const m = c.landmarks;
    const lower = c.seqLen - (c.seqLen % m);
    const nOptions = [lower, lower + m].filter((x) => x >= m && x <= 16384);
    const mOptions = nearestDivisors(c.seqLen, m);
    const why =
      c.attention === 'nystrom'
        ? 'Nyströmformer splits n into m equal segments'
        : `${n('injection')} 'segment' splits n into m equal segments`;
    error(
      'seqLen',
      ['landmarks', 'attention', 'injection'],
      c.seqLen,
      `${n('seqLen')} ${c.seqLen} is not a multiple of ${n('landmarks')} ${m} (${why}): use ${n('seqLen')} ${nOptions.join(' or ')}, or ${n('landmarks')} ${mOptions.join(' or ')}.`,
    );
  }
  if (c.convKernel > 0 && c.convKernel % 2 === 0) {
    error(
      'convKernel',
      [],
      c.convKernel,
      `${n('convKernel')} ${c.convKernel} is even: use ${c.convKernel - 1} or ${c.convKernel + 1}, or 0 for off (with zero padding k//2 an even kernel gives n + 1 outputs, which no longer line up with the tokens).`,
    );
  }
  return issues;
}

/** Cross-key checks of a config whose single values are already in range; `n` names the keys in messages (names.ts). */
export function checkRules(c: RunConfig, limits?: DeviceLimits, n: KeyNamer = byKey): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const error = (key: string, related: string[], value: unknown, message: string) =>
    issues.push({ key, related, value, severity: 'error', message });
  const notice = (key: string, related: string[], value: unknown, message: string) =>
    issues.push({ key, related, value, severity: 'notice', message });
  const task = TASK_FACTS[c.task];

  issues.push(...checkShapeRules(c, n));

  if (c.attention === 'softmax' && c.softmaxImpl === 'fused' && c.attentionDropout > 0) {
    error(
      'attentionDropout',
      ['softmaxImpl', 'attention'],
      c.attentionDropout,
      `attentionDropout ${c.attentionDropout} needs the probabilities, which softmaxImpl 'fused' never stores: set attentionDropout 0, or softmaxImpl 'materialized'.`,
    );
  }
  if (c.attention === 'linformer' && c.linformerK > c.seqLen) {
    notice(
      'linformerK',
      ['seqLen'],
      c.linformerK,
      `${n('linformerK')} ${c.linformerK} is more than ${n('seqLen')} ${c.seqLen}: E projects ${c.seqLen} keys up to ${c.linformerK} rows, which costs more than exact softmax attention and approximates nothing; use at most ${c.seqLen}.`,
    );
  }
  if (c.attention === 'performer' && c.performerRedraw > c.steps) {
    notice(
      'performerRedraw',
      ['steps'],
      c.performerRedraw,
      `${n('performerRedraw')} ${c.performerRedraw} is more than ${n('steps')} ${c.steps}: the features are never redrawn in this run (0 says so directly).`,
    );
  }

  if (c.task === 'custom') checkCustom(c, error, n);
  else if (c.numClasses !== task.numClasses) {
    error(
      'numClasses',
      ['task'],
      c.numClasses,
      `${n('numClasses')} ${c.numClasses} does not match ${n('task')} ${c.task}, which has ${task.numClasses} classes.`,
    );
  }
  if (c.task !== 'custom' && c.twoTower !== task.twoTower) {
    error(
      'twoTower',
      ['task'],
      c.twoTower,
      `${n('twoTower')} ${c.twoTower} does not match ${n('task')} ${c.task}: ${task.twoTower ? 'Retrieval compares two documents and needs two towers' : 'only Retrieval uses two towers'}.`,
    );
  }
  if (c.vocabSize < task.minVocab) {
    error(
      'vocabSize',
      ['task'],
      c.vocabSize,
      `${n('vocabSize')} ${c.vocabSize} is too small for ${n('task')} ${c.task}, whose token ids reach ${task.minVocab - 1}: use at least ${task.minVocab}.`,
    );
  }

  if (c.warmupSteps > c.steps) {
    error(
      'warmupSteps',
      ['steps'],
      c.warmupSteps,
      `${n('warmupSteps')} ${c.warmupSteps} is more than ${n('steps')} ${c.steps}: the warm-up must end within the run (at most ${c.steps}).`,
    );
  }
  if (c.evalEvery > c.steps) {
    notice(
      'evalEvery',
      ['steps'],
      c.evalEvery,
      `${n('evalEvery')} ${c.evalEvery} is more than ${n('steps')} ${c.steps}: the only validation will be the one at the end.`,
    );
  }

  if (c.task === 'listops') checkListops(c, error, n);
  if (c.task === 'image') {
    if (!dividesMnist(c.imageSize))
      error('imageSize', [], c.imageSize, `${n('imageSize')} ${c.imageSize} does not divide 28 (MNIST's side): use 28, 14 or 7.`);
    else if (c.seqLen < c.imageSize * c.imageSize) {
      notice(
        'seqLen',
        ['imageSize'],
        c.seqLen,
        `${n('seqLen')} ${c.seqLen} is shorter than the ${c.imageSize}×${c.imageSize} = ${c.imageSize ** 2} pixels of an image: the last rows are cut off.`,
      );
    }
  }
  if (c.task === 'pathfinder' && c.seqLen < task.naturalLength) {
    notice(
      'seqLen',
      [],
      c.seqLen,
      `${n('seqLen')} ${c.seqLen} is shorter than the ${task.naturalLength} pixels of a Pathfinder image: the last rows are cut off.`,
    );
  }

  if (c.microBatches > 0 && c.batchSize % c.microBatches !== 0) {
    error(
      'microBatches',
      ['batchSize'],
      c.microBatches,
      `microBatches ${c.microBatches} does not divide batchSize ${c.batchSize}: use a divisor of ${c.batchSize} (${divisors(c.batchSize).slice(0, 12).join(', ')}${divisors(c.batchSize).length > 12 ? ', …' : ''}), or 0 to choose automatically.`,
    );
  }
  if (limits) {
    // A batch split into micro-batches allocates for one micro-batch at a time.
    const split = c.microBatches > 0 && c.batchSize % c.microBatches === 0 ? c.microBatches : 1;
    const largest = largestBuffer({ ...c, batchSize: c.batchSize / split });
    const limit = bufferLimit(limits);
    if (largest.bytes > limit.bytes) {
      error(
        'seqLen',
        ['batchSize', 'heads', 'landmarks', 'attention'],
        c.seqLen,
        `the ${largest.name} buffer [${largest.shape.join(', ')}] needs ${largest.bytes} bytes (${formatBytes(largest.bytes)}), over this device's ${limit.name} of ${limit.bytes} bytes (${formatBytes(limit.bytes)}): lower ${n('batchSize')}, ${n('seqLen')} or ${n('heads')}${c.attention === 'softmax' ? ', or use an attention that is linear in n (nystrom, proxy, linformer, performer, linear)' : ''}.`,
      );
    }
  }
  return issues;
}

type Report = (key: string, related: string[], value: unknown, message: string) => void;

/** A user dataset brings its classes and towers; the numbers are checked against the file when it is loaded. */
function checkCustom(c: RunConfig, error: Report, n: KeyNamer): void {
  if (c.dataId === '') {
    error(
      'dataId',
      ['task'],
      c.dataId,
      `${n('task')} custom needs a dataset: import one in the Your data panel (or pass --data FILE on the command line), which sets ${n('dataId')}.`,
    );
  }
  const pairs = c.dataKind === 'pairs';
  if (c.twoTower !== pairs) {
    error(
      'twoTower',
      ['dataKind'],
      c.twoTower,
      `${n('twoTower')} ${c.twoTower} does not match ${n('dataKind')} ${c.dataKind}: ${pairs ? 'pairs of texts need two towers' : 'only pairs use two towers'}.`,
    );
  }
}

function checkListops(c: RunConfig, error: Report, n: KeyNamer): void {
  if (c.listopsMinLen > c.listopsMaxLen) {
    error(
      'listopsMinLen',
      ['listopsMaxLen'],
      c.listopsMinLen,
      `${n('listopsMinLen')} ${c.listopsMinLen} is more than ${n('listopsMaxLen')} ${c.listopsMaxLen}: the length window is empty.`,
    );
    return;
  }
  const longest = maxListopsLength(c.listopsMaxDepth, c.listopsMaxArgs);
  if (longest < c.listopsMinLen) {
    error(
      'listopsMinLen',
      ['listopsMaxDepth', 'listopsMaxArgs'],
      c.listopsMinLen,
      `no ListOps tree of depth ≤ ${c.listopsMaxDepth} with ≤ ${c.listopsMaxArgs} arguments is longer than ${longest} tokens, but ${n('listopsMinLen')} is ${c.listopsMinLen}: lower it to at most ${longest} or allow deeper trees.`,
    );
  }
  // A truncated tree loses its closing brackets and no longer determines its label, so the
  // ListOps generator (src/data/listops) refuses a window longer than n.
  if (c.seqLen < c.listopsMaxLen) {
    error(
      'seqLen',
      ['listopsMaxLen'],
      c.seqLen,
      `${n('seqLen')} ${c.seqLen} is shorter than ${n('listopsMaxLen')} ${c.listopsMaxLen}: a truncated tree no longer determines its value; use ${n('seqLen')} ≥ ${c.listopsMaxLen} or a shorter window.`,
    );
  }
}

function divisors(n: number): number[] {
  const out: number[] = [];
  for (let i = 1; i <= n; i++) if (n % i === 0) out.push(i);
  return out;
}

/** The divisors of n nearest to m, below and above (the landmark counts that would work). */
function nearestDivisors(n: number, m: number): number[] {
  let below = 0;
  let above = 0;
  for (let i = 1; i * i <= n; i++) {
    if (n % i !== 0) continue;
    for (const x of [i, n / i]) {
      if (x < m && x > below) below = x;
      if (x > m && (above === 0 || x < above)) above = x;
    }
  }
  return [below, above].filter((x) => x > 0 && x <= 1024);
}
