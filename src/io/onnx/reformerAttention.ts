/**
 * Reformer's LSH attention in evaluation (docs/baselines.md "Reformer", its point on the ONNX
 * graph), equal to src/model/attention/reformer.ts and python/proxyformer/attention_reformer.py:
 * the stored rotations `layers.{i}.attn.rotations` hash each token per round, argmax([xR; −xR])
 * (the first maximum on ties, as torch.argmax); padded tokens take the bucket 2·half after every
 * real one. The sort by (bucket, position) is a TopK (smallest first, all n) of the key
 * bucket·n + position, unique per token, so any correct sort gives exactly the stable order; the
 * inverse permutation is a second TopK of the permutation. Rows move between token and sorted
 * order by GatherND (one batch axis: B, H and the round merged), chunks meet the previous chunk (cyclically) by
 * Slice + Concat, and the self and padding scores replace the dot products with Where.
 *
 * onnxruntime-web's WebGPU execution provider has no TopK kernel (its operator table,
 * node_modules/onnxruntime-web/docs/webgpu-operators.md), so both sorts run on its CPU kernel there:
 * the [B, H, rounds, n] keys go to the CPU and the indices come back, twice per layer.
 */
import type { AttentionInput } from './attentionInput.ts';
import { int, ints, type GraphBuilder } from './graph.ts';
import { add, linear, matmul, mergeHeads, mul, reshape, scale, splitHeads, sub, transpose, weight } from './ops.ts';
import { reformerBuckets } from '../../config/index.ts';
import { REFORMER_SORT_KEY_LIMIT, onnxUnsupported, reformerSortKeyTop } from './config.ts';

/** Hugging Face's fp32 mask values (src/model/attention/reformer.ts): a token's own key, a padded key. */
const SELF_SCORE = -1e5;
const PAD_SCORE = -1e9;

/** The sizes of one layer: n tokens, r rounds, chunks of c, C = r·n/c chunks, `half` = buckets/2. */
interface Sizes {
  n: number;
  heads: number;
  dh: number;
  r: number;
  c: number;
  chunks: number;
  half: number;
}

/** Ascending sort of the last axis of x [..., n] (float32): the indices (int64) of the smallest first. */
function argsort(g: GraphBuilder, x: string, n: number, hint: string): string {
  return g.nodeOutputs('TopK', [x, g.constInt64([n])], { axis: int(-1), largest: int(0), sorted: int(1) }, 2, hint)[1];
}

/**
 * Rows of x [B, H, ...lead, n, w] in the order idx [B, H, ...lead, m] (int64) → [B, H, ...lead, m, w],
 * by GatherND over the leading axes merged into one: onnxruntime-web 1.30's WebGPU GatherND
 * shader is invalid WGSL for inputs of rank 5 or more (its dims uniform becomes an array of
 * vec4, indexed as if of u32), and the failed pipeline left other kernels' outputs at zero
 * (seen in e2e/inference.spec.ts).
 */
function gatherRows(g: GraphBuilder, x: string, idx: string, lead: number[], n: number, m: number, w: number): string {
  const rows = reshape(g, x, [-1, n, w]);
  const at = reshape(g, idx, [-1, m, 1]);
  return reshape(g, g.node('GatherND', [rows, at], { batch_dims: int(1) }), [-1, ...lead, m, w]);
}

/** Chunks along `axis` → each chunk's keys along axis + 1: the previous chunk (cyclic), then its own; one chunk: itself. */
function withPrevious(g: GraphBuilder, t: string, s: Sizes, axis: number): string {
  if (s.chunks === 1) return t;
  const range = (from: number, to: number) => g.node('Slice', [t, g.constInt64([from]), g.constInt64([to]), g.constInt64([axis])]);
  const previous = g.node('Concat', [range(s.chunks - 1, s.chunks), range(0, s.chunks - 1)], { axis: int(axis) });
  return g.node('Concat', [previous, t], { axis: int(axis + 1) });
}

/** Buckets per round with the padding bucket, [B, H, r, n] float32: argmax([xR_r; −xR_r]), 2·half for padded tokens. */
function hashBuckets(a: AttentionInput, qk: string, s: Sizes): string {
  const g = a.ctx.g;
  const rotated = reshape(g, matmul(g, qk, weight(a.ctx, `${a.prefix}.rotations`)), [0, s.heads, s.n, s.r, s.half]);
  const both = g.node('Concat', [rotated, g.node('Neg', [rotated])], { axis: int(-1) });
  const bucket = g.node('ArgMax', [both], { axis: int(-1), keepdims: int(0), select_last_index: int(0) }); // [B, H, n, r]
  const perRound = transpose(g, g.node('Cast', [bucket], { to: int(1) }), [0, 1, 3, 2]);
  const valid = g.node('Greater', [reshape(g, a.mask, [0, 1, 1, s.n]), g.constFloat([0], [])]);
  return g.node('Where', [valid, perRound, g.constFloat([2 * s.half], [])], {}, 'padding_bucket');
}

/** Sizes of the layer; refuses a graph whose sort keys would not be exact in float32. */
function sizesOf(a: AttentionInput): Sizes {
  const { seqLen: n, heads, reformerHashes: r, reformerChunk: c } = a.cfg;
  const half = Math.max(1, reformerBuckets(n, c) / 2);
  if (n % c !== 0) throw new Error(`Reformer: seqLen ${n} is not a multiple of the chunk length ${c}`);
  // exportOnnx asks onnxUnsupported first; this guards a direct call.
  if (reformerSortKeyTop(a.cfg) >= REFORMER_SORT_KEY_LIMIT) throw new Error(onnxUnsupported(a.cfg) ?? 'Reformer: sort keys past 2^24');
  return { n, heads, dh: a.cfg.dModel / heads, r, c, chunks: (r * n) / c, half };
}

/** [B, n, d] → [B, n, d]; records `lsh_buckets` [B, H, r, n] and the implied n×n `attention_implied` as views. */
export function reformerAttention(a: AttentionInput): string {
  const { ctx, cfg, prefix } = a;
  const g = ctx.g;
  const s = sizesOf(a);
  const { n, heads, dh, r, c, chunks } = s;
  const qk = splitHeads(g, linear(ctx, a.x, `${prefix}.qk`), n, heads, dh); // [B, H, n, d_h]
  const v = splitHeads(g, linear(ctx, a.x, `${prefix}.v`), n, heads, dh);
  const buckets = hashBuckets(a, qk, s);
  a.view('lsh_buckets', buckets, ['batch', heads, r, n]);
  const positions = g.constFloat(
    Array.from({ length: n }, (_, t) => t),
    [n],
  );
  const order = argsort(g, add(g, scale(g, buckets, n), positions), n, 'bucket_sort'); // [B, H, r, n]: the token of each sorted slot
  const orderF = g.node('Cast', [order], { to: int(1) });
  const undo = argsort(g, orderF, n, 'unsort'); // [B, H, r, n]: the slot of each token
  const slots = reshape(g, order, [0, heads, r * n]);
  const sortRows = (x: string) => gatherRows(g, x, slots, [heads], n, r * n, dh); // [B, H, n, d_h] → [B, H, r·n, d_h]
  const qs = sortRows(qk);
  // Unit keys: x / √(mean x² + 1e-6) / √d_h (Hugging Face's _len_and_dim_norm).
  const meanSquare = g.node('ReduceMean', [mul(g, qs, qs)], { axes: ints([-1]), keepdims: int(1) });
  const ks = scale(g, g.node('Div', [qs, g.node('Sqrt', [add(g, meanSquare, g.constFloat([1e-6], []))])]), 1 / Math.sqrt(dh));
  const queries = reshape(g, qs, [0, heads, chunks, c, dh]);
  const keys = withPrevious(g, reshape(g, ks, [0, heads, chunks, c, dh]), s, 2); // [B, H, C, width, d_h]
  const values = withPrevious(g, reshape(g, sortRows(v), [0, heads, chunks, c, dh]), s, 2);
  // Which token and whether valid, per query slot [B, H, C, c] and per key [B, H, C, width].
  const queryToken = reshape(g, orderF, [0, heads, chunks, c]);
  const keyToken = withPrevious(g, queryToken, s, 2);
  const width = chunks === 1 ? c : 2 * c;
  const maskPerHead = g.node('Expand', [reshape(g, a.mask, [0, 1, n]), g.constInt64([1, heads, 1])]); // [B, H, n]
  const slotValid = reshape(g, g.node('GatherElements', [maskPerHead, slots], { axis: int(2) }), [0, heads, chunks, c]);
  const keyValid = g.node('Greater', [reshape(g, withPrevious(g, slotValid, s, 2), [0, heads, chunks, 1, width]), g.constFloat([0], [])]);
  const own = g.node('Equal', [reshape(g, queryToken, [0, heads, chunks, c, 1]), reshape(g, keyToken, [0, heads, chunks, 1, width])]);
  // torch.where(valid, dots, −1e9), then where(own, −1e5, ·): both replace the score.
  const dots = matmul(g, queries, transpose(g, keys, [0, 1, 2, 4, 3])); // [B, H, C, c, width]
  const padded = g.node('Where', [keyValid, dots, g.constFloat([PAD_SCORE], [])], {}, 'padding_mask');
  const scores = g.node('Where', [own, g.constFloat([SELF_SCORE], []), padded], {}, 'self_mask');
  // log-sum-exp with the row max taken out first: onnxruntime-web's WebGPU ReduceLogSumExp sums
  // exp(x) as it is, and exp(−1e5) is 0 in float32 (a padded query whose keys are all masked
  // would get log 0 = −∞ and NaN probabilities).
  const rowMax = g.node('ReduceMax', [scores], { axes: ints([-1]), keepdims: int(1) });
  const sumExp = g.node('ReduceSum', [g.node('Exp', [sub(g, scores, rowMax)]), g.constInt64([-1])], { keepdims: int(1) });
  const lse = add(g, rowMax, g.node('Log', [sumExp])); // [B, H, C, c, 1]
  const probs = g.node('Exp', [sub(g, scores, lse)]);
  // Back to token order, round by round: [B, H, r, n (sorted), ·] → [B, H, r, n (tokens), ·].
  const unsort = (x: string, w: number) => gatherRows(g, x, undo, [heads, r], n, n, w);
  const outRounds = unsort(matmul(g, probs, values), dh); // [B, H, r, n, d_h]
  const roundWeights =
    r === 1
      ? null
      : g.node('Softmax', [g.node('GatherElements', [reshape(g, lse, [0, heads, r, n]), undo], { axis: int(3) })], { axis: int(2) });
  const combine = (perRound: string, w: number) =>
    roundWeights === null
      ? reshape(g, perRound, [0, heads, n, w])
      : g.node('ReduceSum', [mul(g, perRound, reshape(g, roundWeights, [0, heads, r, n, 1])), g.constInt64([2])], { keepdims: int(0) });
  if (a.wantsImplied) {
    // The implied n×n matrix (n² per round: only for the view): each sorted query's probabilities
    // put at their key tokens by a one-hot product, back to token order, weighted over rounds.
    const oneHot = g.node('Cast', [g.node('Equal', [reshape(g, keyToken, [0, heads, chunks, width, 1]), positions])], { to: int(1) });
    a.view('attention_implied', combine(unsort(matmul(g, probs, oneHot), n), n), ['batch', heads, n, n]);
  }
  return linear(ctx, mergeHeads(g, combine(outRounds, dh), n, cfg.dModel), `${prefix}.out`);
}
