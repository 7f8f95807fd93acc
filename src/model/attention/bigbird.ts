/**
 * BigBird (Zaheer et al. 2020), ITC block-sparse attention (docs/baselines.md "BigBird"): per
 * head, the first and last block of b tokens attend to every key (exact softmax rows), and
 * every other query block attends to its window, the global blocks and r random blocks
 * (src/model/attention/bigbirdBlocks.ts). Only the listed blocks are computed: the keys and
 * values of each sparse query block are gathered into [slots · b, d_h] (the embedding gather,
 * whose backward adds rows back), so memory grows as n · (slots · b), never n².
 * Padded keys and duplicate slots get −1e9 before the softmax, as every other key mask here.
 * Dropout sites: `layers.i.attn.dropout` (global rows [B, H, g, n], g = 2b, or n when nb ≤ 2)
 * and `layers.i.attn.dropout_blocks` (sparse rows [B·H, nb − 2, b, slots · b]).
 * The random blocks are state (`layers.i.attn.random_blocks`): drawn from the run's seed at
 * build, fixed for training and evaluation, exported with the weights.
 */
import {
  add,
  affine,
  broadcastTo,
  concat,
  embedding,
  intTensor,
  keep,
  matmul,
  mul,
  noGrad,
  permute,
  reshape,
  scale,
  slice,
  softmax,
  tensor,
  transpose,
  type ParameterScope,
  type Tensor,
} from '../../engine';
import type { Initialiser } from '../init';
import type { HotSettings } from '../types';
import { blockLayout, checkRandomBlocks, drawRandomBlocks, slotCount, sparseBlocks } from './bigbirdBlocks';
import { KEY_MASK_VALUE } from './masking';
import { Projections, type AttentionContext, type AttentionModule, type AttentionOutput } from './module';
import { exactAttention } from './softmax';

/** The state tensor's name under the layer's attention. */
export const RANDOM_BLOCKS = 'random_blocks';

export interface BigBirdFaults {
  /** TEST-ONLY: leave padded keys unmasked in the sparse rows; the parity test must catch it. */
  forgetKeyMask?: boolean;
}

export class BigBirdAttention implements AttentionModule {
  private readonly proj: Projections;
  /** [nb − 2, r] block ids (−1: none), as f32 state. */
  readonly randomBlocks: Tensor;
  private readonly nb: number;
  /** Gather positions [(nb − 2) · slots · b] (i32) and slot mask [1, nb − 2, 1, slots · b]. */
  private gather: Tensor | null = null;
  private slotValid: Tensor | null = null;
  private positions: Tensor | null = null;
  private pattern: Tensor | null = null;

  constructor(
    scope: ParameterScope,
    d: number,
    heads: number,
    seqLen: number,
    readonly block: number,
    readonly random: number,
    private readonly hot: HotSettings,
    init: Initialiser,
    private readonly faults: BigBirdFaults = {},
  ) {
    this.proj = new Projections(scope, d, heads, init);
    if (seqLen % block !== 0) throw new Error(`BigBird: seqLen ${seqLen} is not a multiple of the block size ${block}`);
    this.nb = seqLen / block;
    const draw = drawRandomBlocks(init, this.nb, random);
    // A state tensor cannot be empty: with nb ≤ 2 or r = 0 nothing is drawn and −1s are stored.
    const shape = [Math.max(sparseBlocks(this.nb), 1), Math.max(random, 1)];
    this.randomBlocks = scope.createState(RANDOM_BLOCKS, shape, draw.length > 0 ? draw : -1, (values) => this.setRandomBlocks(values));
    this.setRandomBlocks(draw);
  }

  /** Rebuild the gather indices from a draw (at build, and when a checkpoint's draw is loaded). */
  setRandomBlocks(stored: ArrayLike<number>): void {
    const values = this.random === 0 ? [] : stored;
    const be = this.randomBlocks.backend;
    if (sparseBlocks(this.nb) === 0) {
      this.pattern ??= keep(tensor(be, blockLayout(this.nb, this.block, this.random, []).pattern, [1, 1, this.nb, this.nb]));
      return;
    }
    const problem = checkRandomBlocks(values, this.nb, this.random);
    if (problem) throw new Error(`BigBird ${RANDOM_BLOCKS}: ${problem}`);
    for (const t of [this.gather, this.slotValid, this.positions, this.pattern]) t?.dispose();
    const layout = blockLayout(this.nb, this.block, this.random, values);
    const width = slotCount(this.random) * this.block;
    const rows = sparseBlocks(this.nb);
    // Kept out of any open scope: they live as long as the layer.
    this.gather = keep(intTensor(be, layout.gather, [layout.gather.length]));
    this.slotValid = keep(tensor(be, layout.slotValid, [1, rows, 1, width]));
    const positions = Float32Array.from(layout.gather, (p, i) => (layout.slotValid[i] > 0 ? p : -1));
    this.positions = keep(tensor(be, positions, [1, 1, rows, width]));
    this.pattern = keep(tensor(be, layout.pattern, [1, 1, this.nb, this.nb]));
  }

  /** t [B, H, n, c] → the gathered key blocks of every sparse query block [B·H, nb − 2, slots · b, c]. */
  private gatherBlocks(t: Tensor): Tensor {
    const [b, h, n, c] = t.shape;
    const table = reshape(permute(t, [2, 0, 1, 3]), [n, b * h * c]); // one row per position
    const rows = sparseBlocks(this.nb);
    const gathered = reshape(embedding(table, this.gather!), [rows, slotCount(this.random) * this.block, b * h, c]);
    return permute(gathered, [2, 0, 1, 3]);
  }

  forward(x: Tensor, ctx: AttentionContext): AttentionOutput {
    const { q, k, v } = this.proj.qkv(x);
    const [batch, heads, n, dh] = q.shape;
    if (n !== this.nb * this.block)
      throw new Error(`BigBird: input length ${n} differs from seqLen ${this.nb * this.block} (the block pattern is built for it)`);
    const p = this.hot.attentionDropout;
    if (sparseBlocks(this.nb) === 0) {
      const probs = exactAttention(q, k, ctx.mask.keyBias);
      const out = this.proj.merge(matmul(ctx.plan.elementwise(`${ctx.prefix}dropout`, probs, p), v));
      const views = ctx.wantViews ? noGrad(() => ({ attention_global: probs, block_pattern: scale(this.pattern!, 1), q, k })) : null;
      return { out, contrastive: null, views };
    }
    const b = this.block;
    const rows = sparseBlocks(this.nb);
    const width = slotCount(this.random) * b;
    // Global rows: the first and the last block see every key.
    const qGlobal = concat([slice(q, 2, 0, b), slice(q, 2, n - b, b)], 2);
    const pGlobal = exactAttention(qGlobal, k, ctx.mask.keyBias); // [B, H, 2b, n]
    const oGlobal = matmul(ctx.plan.elementwise(`${ctx.prefix}dropout`, pGlobal, p), v);
    // Sparse rows: each query block against its gathered key blocks.
    const qSparse = reshape(slice(q, 2, b, rows * b), [batch * heads, rows, b, dh]);
    const scores = matmul(qSparse, this.gatherBlocks(k), { transB: true, alpha: 1 / Math.sqrt(dh) }); // [B·H, rows, b, width]
    const maskBH = reshape(broadcastTo(reshape(ctx.mask.mask, [batch, 1, n]), [batch, heads, n]), [batch * heads, n]);
    const keyMask = permute(reshape(embedding(transpose(maskBH), this.gather!), [rows, width, batch * heads, 1]), [2, 0, 3, 1]);
    const keep = this.faults.forgetKeyMask ? this.slotValid! : mul(keyMask, this.slotValid!);
    const bias = affine(keep, -KEY_MASK_VALUE, KEY_MASK_VALUE); // [B·H, rows, 1, width]
    const pSparse = softmax(add(scores, bias));
    const dropped = ctx.plan.elementwise(`${ctx.prefix}dropout_blocks`, pSparse, p);
    const oSparse = reshape(matmul(dropped, this.gatherBlocks(v)), [batch, heads, rows * b, dh]);
    const out = this.proj.merge(concat([slice(oGlobal, 2, 0, b), oSparse, slice(oGlobal, 2, b, b)], 2));
    const views = ctx.wantViews
      ? noGrad(() => ({
          attention_global: pGlobal,
          attention_blocks: reshape(pSparse, [batch, heads, rows * b, width]),
          // Copies: the views dispose what they read.
          block_positions: scale(this.positions!, 1),
          block_pattern: scale(this.pattern!, 1),
          q,
          k,
        }))
      : null;
    return { out, contrastive: null, views };
  }
}
