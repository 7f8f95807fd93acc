/**
 * Reformer's LSH attention (Kitaev et al. 2020) as Hugging Face's LSHSelfAttention computes it
 * (docs/baselines.md "Reformer"). Per head, one shared query-key projection: queries are the
 * projections x, keys the same vectors unit-normalised (x / √(mean x² + 1e-6) / √d_h, no further
 * scaling of the scores). Each of `rounds` hashing rounds puts every token in a bucket (angular
 * LSH with random rotations, reformerHash.ts), sorts the tokens by (bucket, position), and cuts
 * the rounds' sorted sequences, laid end to end, into chunks of c tokens; each chunk attends to
 * itself and the chunk before it (cyclically, so the first chunk of a round sees the last of the
 * round before, as in Hugging Face). A token never attends to itself (score −1e5) unless nothing
 * else is left, padded keys get −1e9 (both replace the score, as torch.where); padded tokens hash
 * to a bucket of their own after every real one (ours: they never change which keys a valid
 * token meets). The outputs go
 * back to token order and the rounds are averaged with weights softmax_r(logsumexp of the round's
 * scores). With one chunk in all (one round, c = n) the chunk has no predecessor: plain softmax
 * attention with the self-mask, as Hugging Face's standard path.
 *
 * Memory: the chunked scores [B·H, rounds·n/c, c, 2c] grow as rounds · n · 2c, linear in n.
 * Rotations: redrawn every training step from the run's dropout stream (Hugging Face draws fresh
 * ones every call), the same for every micro-batch of the step; the stored
 * `layers.i.attn.rotations` (drawn from the seed at build, exported with the weights) in
 * evaluation and with explicit masks, so evaluation is deterministic.
 * Dropout site `layers.i.attn.dropout` on the chunked probabilities.
 */
import {
  abs,
  add,
  addScalar,
  affine,
  broadcastTo,
  bucketSort,
  concat,
  div,
  exp,
  keep,
  logSumExp,
  lshBuckets,
  matmul,
  mean,
  mergeHeads,
  mul,
  noGrad,
  permuteRows,
  relu,
  reshape,
  scale,
  scope,
  slice,
  softmax,
  splitHeads,
  sqrt,
  square,
  sub,
  sum,
  tensor,
  transpose,
  type ParameterScope,
  type Tensor,
} from '../../engine';
import type { Initialiser } from '../init';
import { Linear } from '../layers';
import type { HotSettings } from '../types';
import type { AttentionContext, AttentionModule, AttentionOutput } from './module';
import { drawRotations, reformerBuckets, rotationShape, trainingRotations } from './reformerHash';

/** The state tensor's name under the layer's attention. */
export const ROTATIONS = 'rotations';
/** Hugging Face's fp32 mask values: a padded key, and a token's own position. */
export const PAD_SCORE = -1e9;
export const SELF_SCORE = -1e5;

export interface ReformerFaults {
  /** TEST-ONLY: let tokens attend to themselves; the parity test must catch it. */
  forgetSelfMask?: boolean;
}

export class ReformerAttention implements AttentionModule {
  private readonly qk: Linear;
  private readonly v: Linear;
  private readonly out: Linear;
  /** [H, d_h, rounds · buckets/2]: the evaluation rotations (state). */
  readonly rotations: Tensor;
  /** The same shape, rewritten every training forward (never an allocation in the step). */
  private readonly drawn: Tensor;
  /** Host arrays of the per-step draw (the rotations and their uniforms), allocated once. */
  private readonly draws: { values: Float64Array; uniforms: Float64Array };
  readonly buckets: number;
  /** Positions 0 … n − 1 per sorted row, [rows·n, 1], for the self-mask; rebuilt when the batch changes. */
  private positions: Tensor | null = null;

  constructor(
    scope: ParameterScope,
    d: number,
    private readonly heads: number,
    private readonly seqLen: number,
    readonly rounds: number,
    readonly chunk: number,
    private readonly hot: HotSettings,
    init: Initialiser,
    private readonly faults: ReformerFaults = {},
  ) {
    this.qk = new Linear(scope, 'qk', d, d, init);
    this.v = new Linear(scope, 'v', d, d, init);
    this.out = new Linear(scope, 'out', d, d, init);
    if (seqLen % chunk !== 0) throw new Error(`Reformer: seqLen ${seqLen} is not a multiple of the chunk length ${chunk}`);
    this.buckets = reformerBuckets(seqLen, chunk);
    const shape = rotationShape(heads, d / heads, rounds, this.buckets);
    this.rotations = scope.createState(ROTATIONS, shape, drawRotations(init, shape));
    this.drawn = keep(tensor(this.rotations.backend, new Float32Array(this.rotations.size), shape));
    this.draws = { values: new Float64Array(this.rotations.size), uniforms: new Float64Array(2 * this.rotations.size) };
  }

  /**
   * The rotations of this forward: fresh ones in drawn training, else the stored ones. Drawn on the
   * host in float64 and uploaded (one write, one submission per layer and step) rather than on the
   * device: WGSL's cos and log may be off by 2⁻¹¹ (SwiftShader's Box–Muller draws differed from the
   * CPU's by 6.7e-4), enough for the two backends to hash a token differently.
   */
  private rotationsFor(ctx: AttentionContext): Tensor {
    const draw = ctx.plan.draws(2 * this.drawn.size);
    if (!draw) return this.rotations;
    this.drawn.backend.write(this.drawn.buf, trainingRotations(draw.seed, draw.offset, this.draws.values, this.draws.uniforms));
    return this.drawn;
  }

  /** [rows·n, 1] with row·n + t ↦ t (the token of a table row). */
  private positionTable(rows: number, n: number): Tensor {
    if (this.positions?.shape[0] !== rows * n) {
      this.positions?.dispose();
      this.positions = keep(
        tensor(
          this.drawn.backend,
          Float32Array.from({ length: rows * n }, (_, i) => i % n),
          [rows * n, 1],
        ),
      );
    }
    return this.positions;
  }

  forward(x: Tensor, ctx: AttentionContext): AttentionOutput {
    const qk = splitHeads(this.qk.apply(x), this.heads); // [B, H, n, d_h]
    const v = splitHeads(this.v.apply(x), this.heads);
    const [batch, heads, n, dh] = qk.shape;
    if (n !== this.seqLen) throw new Error(`Reformer: input length ${n} differs from seqLen ${this.seqLen} (the buckets are sized for it)`);
    const [r, c] = [this.rounds, this.chunk];
    const bh = batch * heads;
    const rows = bh * r;
    const chunks = (r * n) / c;
    const rotations = this.rotationsFor(ctx);
    // Hashing and sorting choose the keys; no gradient flows through them (Hugging Face detaches too).
    // The inner scope frees the mask's intermediates ([B·H, chunks, c, 2c] each) at once.
    const { buckets, sorted, undo, keepScore, maskScore, slotToken } = noGrad(() =>
      scope(() => {
        const w = rotations.shape[2];
        const rotated = matmul(qk, broadcastTo(reshape(rotations, [1, heads, dh, w]), [batch, heads, dh, w]));
        const buckets = lshBuckets(rotated, ctx.mask.mask, r); // [B, H, r, n]; padded tokens in bucket nb, last
        const { sorted, undo } = bucketSort(buckets, this.buckets + 1);
        const slotToken = reshape(permuteRows(this.positionTable(rows, n), sorted, undo), [bh, chunks, c, 1]);
        const valid = reshape(broadcastTo(reshape(ctx.mask.mask, [batch, 1, 1, n]), [batch, heads, r, n]), [rows * n, 1]);
        const slotValid = reshape(permuteRows(valid, sorted, undo), [bh, chunks, c, 1]);
        const keyToken = this.keysOf(slotToken, chunks); // [bh, chunks, 2c or c, 1]
        const width = keyToken.shape[2];
        const self = relu(affine(abs(sub(slotToken, reshape(keyToken, [bh, chunks, 1, width]))), -1, 1)); // 1 on a token's own position
        const keyValid = reshape(this.keysOf(slotValid, chunks), [bh, chunks, 1, width]);
        const selfMask = this.faults.forgetSelfMask ? scale(self, 0) : self;
        // scores·keep + fill: torch.where(valid, dots, −1e9), then where(not self, ·, −1e5).
        const notSelf = affine(selfMask, -1, 1);
        const keepScore = mul(notSelf, keyValid);
        const maskScore = add(scale(selfMask, SELF_SCORE), mul(notSelf, affine(keyValid, -PAD_SCORE, PAD_SCORE)));
        return { buckets, sorted, undo, keepScore, maskScore, slotToken };
      }),
    );
    const sortRows = (t: Tensor) =>
      permuteRows(reshape(broadcastTo(reshape(t, [bh, 1, n, dh]), [bh, r, n, dh]), [rows * n, dh]), sorted, undo);
    const qs = sortRows(qk);
    // Unit keys: the length norm of Hugging Face's _len_and_dim_norm, then 1/√d_h.
    const ks = scale(div(qs, sqrt(addScalar(mean(square(qs), -1, { keepDim: true }), 1e-6))), 1 / Math.sqrt(dh));
    const vs = sortRows(v);
    const queries = reshape(qs, [bh, chunks, c, dh]);
    const keys = this.keysOf(reshape(ks, [bh, chunks, c, dh]), chunks);
    const values = this.keysOf(reshape(vs, [bh, chunks, c, dh]), chunks);
    const scores = add(mul(matmul(queries, keys, { transB: true }), keepScore), maskScore); // [bh, chunks, c, width]
    const lse = logSumExp(scores, -1, { keepDim: true });
    const probs = exp(sub(scores, lse));
    const dropped = ctx.plan.elementwise(`${ctx.prefix}dropout`, probs, this.hot.attentionDropout);
    const chunked = matmul(dropped, values); // [bh, chunks, c, d_h]
    // Back to token order, round by round.
    const outRounds = reshape(permuteRows(reshape(chunked, [rows * n, dh]), undo, sorted), [bh, r, n, dh]);
    const heads4 =
      r === 1
        ? reshape(outRounds, [batch, heads, n, dh])
        : reshape(sum(mul(outRounds, this.roundWeights(permuteRows(reshape(lse, [rows * n, 1]), undo, sorted), bh, n)), 1), [
            batch,
            heads,
            n,
            dh,
          ]);
    const out = this.out.apply(mergeHeads(heads4));
    const views = ctx.wantViews
      ? noGrad(() => ({
          lsh_buckets: buckets,
          lsh_probs: reshape(probs, [batch, heads, r * n, keys.shape[2]]),
          lsh_tokens: reshape(slotToken, [batch, heads, r * n]),
          lsh_lse: reshape(lse, [batch, heads, r, n]),
          q: qk,
          // Unit keys times √d_h: the views' exact softmax scales by 1/√d_h, which gives the layer's scores q·k̂.
          k: div(qk, sqrt(addScalar(mean(square(qk), -1, { keepDim: true }), 1e-6))),
        }))
      : null;
    return { out, contrastive: null, views };
  }

  /** Chunks [bh, C, c, x] → each chunk's keys [bh, C, 2c, x]: the previous chunk (cyclic), then its own; with C = 1 only its own. */
  private keysOf(t: Tensor, chunks: number): Tensor {
    if (chunks === 1) return t;
    const previous = concat([slice(t, 1, chunks - 1, 1), slice(t, 1, 0, chunks - 1)], 1);
    return concat([previous, t], 2);
  }

  /** The rounds' weights softmax_r(lse) [bh, r, n, 1] from the per-token log-sum-exps [bh·r·n, 1]. */
  private roundWeights(lse: Tensor, bh: number, n: number): Tensor {
    const perToken = transpose(reshape(lse, [bh, this.rounds, n])); // [bh, n, r]
    return reshape(transpose(softmax(perToken)), [bh, this.rounds, n, 1]);
  }

  dispose(): void {
    this.drawn.dispose();
    this.positions?.dispose();
  }
}
