/**
 * The LRA encoder around the attention (docs/models.md "The encoder"), per tower:
 *   x = Drop(E_tok[tokens] + E_pos[0..n−1])
 *   per layer (pre-LayerNorm): x = x + Drop(Attn(LN1(x)));  x = x + Drop(fc2(Drop(GELU(fc1(LN2(x))))))
 *   x = LN(x); pooled = masked mean over valid tokens ('masked-mean'), or, as the reference code,
 *   padded rows zeroed and the sum divided by n ('mean-all').
 * GELU is the exact erf form, LayerNorm eps 1e-5 (PyTorch defaults).
 */
import { add, gelu, mul, scale, sum, type ParameterScope, type Tensor } from '../engine';
import type { AttentionContext, AttentionModule } from './attention/module';
import { maskedMean, towerMask } from './attention/masking';
import type { DropoutPlan } from './dropout';
import type { Embeddings } from './embedding';
import type { Initialiser } from './init';
import { Linear, Norm } from './layers';
import type { HotSettings, LayerViewTensors } from './types';

export type Pooling = 'masked-mean' | 'mean-all';

/** fc2(Drop(GELU(fc1(x)))) with the dropout site `ffn.dropout1` after GELU. */
class FeedForward {
  private readonly fc1: Linear;
  private readonly fc2: Linear;

  constructor(
    scope: ParameterScope,
    d: number,
    ffn: number,
    private readonly hot: HotSettings,
    init: Initialiser,
  ) {
    this.fc1 = new Linear(scope, 'fc1', d, ffn, init);
    this.fc2 = new Linear(scope, 'fc2', ffn, d, init);
  }

  apply(x: Tensor, plan: DropoutPlan, prefix: string): Tensor {
    return this.fc2.apply(plan.elementwise(`${prefix}dropout1`, gelu(this.fc1.apply(x)), this.hot.dropout));
  }
}

/** One pre-LayerNorm block: norm1, attn, norm2, ffn (separate weights per layer). */
export class Block {
  private readonly norm1: Norm;
  private readonly norm2: Norm;
  private readonly ffn: FeedForward;

  constructor(
    scope: ParameterScope,
    d: number,
    ffn: number,
    private readonly hot: HotSettings,
    readonly attn: AttentionModule,
    init: Initialiser,
  ) {
    this.norm1 = new Norm(scope, 'norm1', d);
    this.norm2 = new Norm(scope, 'norm2', d);
    this.ffn = new FeedForward(scope.under('ffn'), d, ffn, hot, init);
  }

  apply(
    x: Tensor,
    ctx: Omit<AttentionContext, 'prefix'>,
    layer: number,
  ): { x: Tensor; contrastive: Tensor | null; views: LayerViewTensors | null } {
    const prefix = `layers.${layer}.`;
    const attended = this.attn.forward(this.norm1.apply(x), { ...ctx, prefix: `${prefix}attn.` });
    let y = add(x, ctx.plan.elementwise(`${prefix}attn.out_dropout`, attended.out, this.hot.dropout));
    y = add(
      y,
      ctx.plan.elementwise(`${prefix}ffn.dropout2`, this.ffn.apply(this.norm2.apply(y), ctx.plan, `${prefix}ffn.`), this.hot.dropout),
    );
    return { x: y, contrastive: attended.contrastive, views: attended.views };
  }
}

export interface EncodeOptions {
  plan: DropoutPlan;
  wantViews: boolean;
  cacheable: boolean;
  weightsVersion: number;
}

/** The shared encoder: embeddings, blocks, final norm and pooling. */
export class Encoder {
  constructor(
    readonly embed: Embeddings,
    readonly blocks: Block[],
    private readonly norm: Norm,
    private readonly pooling: Pooling,
    private readonly hot: HotSettings,
  ) {}

  /** One tower: ids [B, n], mask [B, n] → pooled [B, d], per-layer contrastive losses and views. */
  encode(ids: Tensor, maskValues: Tensor, o: EncodeOptions): { pooled: Tensor; contrastive: Tensor[]; views: LayerViewTensors[] } {
    const mask = towerMask(maskValues);
    let x = o.plan.elementwise('embed.dropout', this.embed.apply(ids), this.hot.dropout);
    const contrastive: Tensor[] = [];
    const views: LayerViewTensors[] = [];
    this.blocks.forEach((block, i) => {
      const r = block.apply(x, { plan: o.plan, mask, wantViews: o.wantViews, cacheable: o.cacheable, weightsVersion: o.weightsVersion }, i);
      x = r.x;
      if (r.contrastive) contrastive.push(r.contrastive);
      if (r.views) views.push(r.views);
    });
    x = this.norm.apply(x);
    const n = x.shape[1];
    const pooled = this.pooling === 'masked-mean' ? maskedMean(x, mask) : scale(sum(mul(x, mask.column), 1), 1 / n);
    return { pooled, contrastive, views };
  }
}
