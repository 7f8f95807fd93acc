/**
 * BigBird attention (Zaheer et al. 2020, ITC) as the engine computes it in evaluation
 * (src/model/attention/bigbird.ts, docs/baselines.md "BigBird"), per head with s = 1/√d_h:
 *   global rows (the first and the last block of b queries): softmax(s·Q_g Kᵀ + keymask) V;
 *   every other query block: its window, the two global blocks and its r random blocks, gathered
 *   into [(5 + r)·b, d_h] with Gather on fixed positions, softmax(s·Q_blk K_gᵀ − 1e9·(1 − keep)) V_g,
 *   keep = mask(gathered key) · slot counts (a duplicate or empty slot is masked like padding).
 * The positions come from the stored draw `layers.{i}.attn.random_blocks` (state, in the bundle)
 * at export time (bigbirdLayout.ts); they are constants of the graph, as the draw is of the layer.
 * With nb = n / b ≤ 2 every block is global: exact softmax attention.
 */
import type { AttentionInput } from './attentionInput.ts';
import { bigbirdLayout, slotCount } from './bigbirdLayout.ts';
import { int, type GraphBuilder } from './graph.ts';
import {
  KEY_MASK_VALUE,
  add,
  linear,
  matmul,
  mergeHeads,
  mul,
  reshape,
  scale,
  softmax,
  splitHeads,
  sub,
  transpose,
  transposeLast,
} from './ops.ts';

/** Rows start … start + count − 1 of axis 2. */
function rows(g: GraphBuilder, x: string, start: number, count: number): string {
  return g.node('Slice', [x, g.constInt64([start]), g.constInt64([start + count]), g.constInt64([2])]);
}

/** A constant [1, 1, nb, nb] broadcast to [batch, H, nb, nb] (the batch read from the mask). */
function perSample(a: AttentionInput, constant: string, heads: number, nb: number): string {
  const g = a.ctx.g;
  const batch = g.node('Shape', [a.mask], { start: int(0), end: int(1) });
  return g.node('Expand', [constant, g.node('Concat', [batch, g.constInt64([heads, nb, nb])], { axis: int(0) })]);
}

/**
 * [B, n, d] → [B, n, d]; records the implied n × n attention (the computed rows put back in place,
 * the reference's `attention_implied`) as the view `attention` and the nb × nb `block_pattern`.
 */
export function bigbirdAttention(a: AttentionInput): string {
  const { ctx, cfg, prefix } = a;
  const g = ctx.g;
  const n = cfg.seqLen,
    heads = cfg.heads,
    dh = cfg.dModel / cfg.heads,
    b = cfg.bigbirdBlock,
    nb = n / b,
    r = cfg.bigbirdRandom;
  const [q, k, v] = ['q', 'k', 'v'].map((p) => splitHeads(g, linear(ctx, a.x, `${prefix}.${p}`), n, heads, dh));
  const merged = (heads4: string) => linear(ctx, mergeHeads(g, heads4, n, cfg.dModel), `${prefix}.out`);
  const scaledQ = scale(g, q, 1 / Math.sqrt(dh));
  if (nb <= 2) {
    const probs = softmax(g, add(g, matmul(g, scaledQ, transposeLast(g, k)), a.keyBias));
    if (a.wantsViews) {
      a.view('attention', probs, ['batch', heads, n, n]);
      const ones = g.constFloat(new Float32Array(nb * nb).fill(1), [1, 1, nb, nb]);
      a.view('block_pattern', perSample(a, ones, heads, nb), ['batch', heads, nb, nb]);
    }
    return merged(matmul(g, probs, v));
  }
  const state = `${prefix}.random_blocks`;
  const stored = ctx.weights.get(state);
  if (!stored) throw new Error(`the export needs the state ${state}, which the weights do not hold`);
  const layout = bigbirdLayout(nb, b, r, stored, state);
  const sparse = nb - 2,
    slots = slotCount(r),
    width = slots * b;

  // Global rows: the first and the last block see every key.
  const qGlobal = g.node('Concat', [rows(g, scaledQ, 0, b), rows(g, scaledQ, n - b, b)], { axis: int(2) });
  const pGlobal = softmax(g, add(g, matmul(g, qGlobal, transposeLast(g, k)), a.keyBias)); // [B, H, 2b, n]
  const oGlobal = matmul(g, pGlobal, v);

  // Sparse rows: each query block against its gathered key blocks.
  const positions = g.initializer(`${prefix}.block_positions`, BigInt64Array.from(layout.positions, BigInt), [sparse, width]);
  const gather = (x: string, axis: number) => g.node('Gather', [x, positions], { axis: int(axis) });
  const qSparse = reshape(g, rows(g, scaledQ, b, sparse * b), [0, heads, sparse, b, dh]);
  const scores = matmul(g, qSparse, transpose(g, gather(k, 2), [0, 1, 2, 4, 3])); // [B, H, nb − 2, b, width]
  const slotValid = g.initializer(`${prefix}.slot_valid`, layout.slotValid, [sparse, width]);
  const keep = mul(g, gather(a.mask, 1), slotValid); // [B, nb − 2, width]
  const bias = reshape(g, scale(g, sub(g, g.constFloat([1], []), keep), KEY_MASK_VALUE), [0, 1, sparse, 1, width]);
  const pSparse = softmax(g, add(g, scores, bias));
  const oSparse = reshape(g, matmul(g, pSparse, gather(v, 2)), [0, heads, sparse * b, dh]);
  const out = g.node('Concat', [rows(g, oGlobal, 0, b), oSparse, rows(g, oGlobal, b, b)], { axis: int(2) });

  if (a.wantsImplied) {
    // Σ over slots of one-hot(block of slot) · probabilities: [nb−2, 1, nb, slots] · [B, H, nb−2, b, slots, b].
    const blockOfSlot = g.initializer(`${prefix}.block_of_slot`, layout.blockOfSlot, [sparse, 1, nb, slots]);
    const placed = matmul(g, blockOfSlot, reshape(g, pSparse, [0, heads, sparse, b, slots, b])); // [B, H, nb−2, b, nb, b]
    const middle = reshape(g, placed, [0, heads, sparse * b, n]);
    const implied = g.node('Concat', [rows(g, pGlobal, 0, b), middle, rows(g, pGlobal, b, b)], { axis: int(2) });
    a.view('attention', implied, ['batch', heads, n, n]);
  }
  if (a.wantsViews) {
    const pattern = g.initializer(`${prefix}.block_pattern`, layout.pattern, [1, 1, nb, nb]);
    a.view('block_pattern', perSample(a, pattern, heads, nb), ['batch', heads, nb, nb]);
  }
  return merged(out);
}
