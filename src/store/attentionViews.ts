/**
 * The attention views the page draws, converted from a `views` reply of the training worker
 * (`ViewsPayload` of src/train/protocol.ts: the example and `ModelViews` of src/model/views.ts).
 * The conversion renames the model's fields to what the panel shows, adds what the reply does
 * not carry (task, variant, m, step: from the run the views were asked of), and checks every
 * matrix against its shape: a mismatch is an error that names the field, never a blank canvas.
 */
import { TASK_FACTS, type Attention, type RunConfig, type Task } from '../config';
import type { HeadViews as ModelHeadViews, Matrix } from '../model/views';
import type { ViewsPayload } from '../train/protocol';

/** The factors of one head of one layer for one example. */
export interface HeadViews {
  /** Softmax attention (n ≤ 1024): the exact n × n matrix is the whole story. */
  softmax?: Matrix;
  /** Nyström factors: K1 [n×m] tokens → landmarks/proxies, K2 [m×m], Z ≈ K2⁺ [m×m], K3 [m×n] landmarks/proxies → tokens. */
  kernel1?: Matrix;
  kernel2?: Matrix;
  z?: Matrix;
  kernel3?: Matrix;
  /** Cosine similarity [m×m] among the query-side landmarks/proxies Q̃ and among the key side K̃, with their mean off-diagonal values. */
  queryCosine?: Matrix;
  keyCosine?: Matrix;
  queryMeanOffDiagonal?: number;
  keyMeanOffDiagonal?: number;
  /** Linformer: this head's E [k, n] (rows: projected keys, columns: positions) and softmax(s·Q(EK)ᵀ) [n, k]. */
  linformerE?: Matrix;
  projectedAttention?: Matrix;
  /** BigBird: the block pattern [nb × nb] (1 window or global, 2 random, 0 not attended). */
  blockPattern?: Matrix;
  /** Reformer: each token's bucket per round [rounds × n]; the chunked attention in sorted order [rounds·n × keys per chunk]. */
  lshBuckets?: Matrix;
  lshChunks?: Matrix;
  /** ‖I − K2·Z_k‖_F for k = 0 (the initial Z0) … pinvIterations. */
  pinvResidual?: number[];
  /** For n ≤ 1024: the exact softmax attention of this head's Q, K and its approximation K1·Z·K3 (without the convolution skip). */
  exact?: Matrix;
  approx?: Matrix;
  /** Error of the approximation: max |exact − approx| and relative Frobenius error. */
  approxError?: { maxAbs: number; relFrobenius: number };
}

/** Everything the attention panel shows for one request. */
export interface AttentionViews {
  step: number;
  task: Task;
  attention: Attention;
  /** Sequence length n and number of landmarks/proxies m (0 for softmax). */
  seqLen: number;
  landmarks: number;
  /** The variant's size beyond n, as the panel names it: m, Linformer's k, Performer's features (null for softmax and linear attention). */
  budget: { name: string; value: number } | null;
  split: 'validation' | 'test';
  /** The example the views were computed on (unpadded token ids), its label and the model's prediction. */
  example: { index: number; tokens: Int32Array; label: number; prediction?: number };
  /** Side of the square input picture for image tasks (MNIST imageSize, Pathfinder 32). */
  imageSide?: number;
  /** layers × heads. */
  heads: HeadViews[][];
  /** What the worker spent computing them (ms), when it said. */
  computeMs?: number;
}

/** The run the views belong to. */
export interface ViewsContext {
  config: RunConfig;
  step: number;
}

/** A `views` reply as AttentionViews; throws an Error naming the matrix whose data does not fit its shape. */
export function toAttentionViews(payload: ViewsPayload, ctx: ViewsContext): AttentionViews {
  const { example, views } = payload;
  if (views.layers.length === 0) throw new Error('views.layers is empty');
  const heads = views.layers.map((layer, l) => {
    if (layer.heads.length === 0) throw new Error(`layers[${l}].heads is empty`);
    return layer.heads.map((h, i) => headViews(h, `layers[${l}].heads[${i}]`));
  });
  const { config } = ctx;
  const side =
    config.task === 'image'
      ? config.imageSize
      : config.task === 'pathfinder'
        ? Math.round(Math.sqrt(TASK_FACTS.pathfinder.naturalLength))
        : undefined;
  return {
    step: ctx.step,
    task: config.task,
    attention: config.attention,
    seqLen: views.n,
    landmarks: config.attention === 'nystrom' || config.attention === 'proxy' ? config.landmarks : 0,
    budget: budgetOf(config),
    split: example.split,
    example: { index: example.index, tokens: Int32Array.from(example.tokens), label: example.label, prediction: example.prediction },
    imageSide: side,
    heads,
    ...(payload.computeMs !== undefined ? { computeMs: payload.computeMs } : {}),
  };
}

/** What the variant's size beyond n is called, and its value. */
export function budgetOf(config: RunConfig): { name: string; value: number } | null {
  switch (config.attention) {
    case 'nystrom':
    case 'proxy':
      return { name: 'm', value: config.landmarks };
    case 'linformer':
      return { name: 'k', value: config.linformerK };
    case 'performer':
      return { name: 'features', value: config.performerFeatures };
    case 'bigbird':
      return { name: 'b', value: config.bigbirdBlock };
    case 'reformer':
      return { name: 'chunk', value: config.reformerChunk };
    case 'softmax':
    case 'linear':
      return null;
  }
}

function headViews(h: ModelHeadViews, where: string): HeadViews {
  const m = (field: keyof ModelHeadViews): Matrix | undefined => {
    const x = h[field] as Matrix | undefined;
    return x === undefined ? undefined : checked(x, `${where}.${field}`);
  };
  const out: HeadViews = {
    softmax: m('attention'),
    kernel1: m('K1'),
    kernel2: m('K2'),
    z: m('Z'),
    kernel3: m('K3'),
    queryCosine: m('qCosine'),
    keyCosine: m('kCosine'),
    exact: m('exact'),
    approx: m('approximation'),
    linformerE: m('E'),
    projectedAttention: m('projectedAttention'),
    blockPattern: m('blockPattern'),
    lshBuckets: m('lshBuckets'),
    lshChunks: m('lshChunks'),
    queryMeanOffDiagonal: h.qMeanOffDiagonal,
    keyMeanOffDiagonal: h.kMeanOffDiagonal,
    pinvResidual: h.pinvResiduals && Array.from(h.pinvResiduals),
    approxError: h.error && { maxAbs: h.error.maxAbs, relFrobenius: h.error.relativeFrobenius },
  };
  for (const k of Object.keys(out) as (keyof HeadViews)[]) if (out[k] === undefined) delete out[k];
  return out;
}

function checked(x: Matrix, where: string): Matrix {
  if (x.data.length !== x.rows * x.cols)
    throw new Error(`${where}.data has ${x.data.length} values, expected ${x.rows} × ${x.cols} = ${x.rows * x.cols}`);
  return x;
}
