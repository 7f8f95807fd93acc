/**
 * Where each dropout multiplier comes from, for one tower of one forward call
 * (docs/model-contract.md, "Explicit masks"; python/proxyformer/dropout.py):
 * - explicit: a mask given by its contract name is multiplied in (0 or 1/(1−p) elementwise,
 *   0/1 for decomposed-dropout columns); a missing name means no dropout there;
 * - drawn: in training, the engine's counter-based generator draws every mask from one
 *   `DropoutStream`, so a seed reproduces the run on every backend;
 * - off: evaluation.
 */
import { DropoutStream, Tensor, dropout, dropoutWith } from '../engine';

export class DropoutPlan {
  constructor(
    private readonly masks: ReadonlyMap<string, Tensor> | null,
    private readonly stream: DropoutStream | null,
    private readonly suffix = '',
  ) {}

  /** The plan of the second tower: same masks (names with `@2`) and the same stream. */
  secondTower(): DropoutPlan {
    return new DropoutPlan(this.masks, this.stream, '@2');
  }

  private explicit(name: string, shape: readonly number[]): Tensor | null {
    const mask = this.masks?.get(name + this.suffix) ?? null;
    if (mask && (mask.shape.length !== shape.length || mask.shape.some((s, i) => s !== shape[i])))
      throw new Error(`mask ${name + this.suffix} has shape [${mask.shape.join(', ')}], expected [${shape.join(', ')}]`);
    return mask;
  }

  /** Inverted dropout of rate p at site `name`. */
  elementwise(name: string, x: Tensor, p: number): Tensor {
    if (this.masks) {
      const mask = this.explicit(name, x.shape);
      return mask ? dropoutWith(x, mask) : x;
    }
    return this.stream && p > 0 ? dropout(x, p, this.stream) : x;
  }

  /**
   * In drawn training, `count` fresh counters of the run's stream (Reformer's per-forward
   * rotations), the same for every micro-batch of a step; null in evaluation and with explicit
   * masks, where the layer's stored rotations apply.
   */
  draws(count: number): { seed: number; offset: number } | null {
    if (this.masks || !this.stream) return null;
    return { seed: this.stream.seed, offset: this.stream.takeShared(count) };
  }

  /** Decomposed dropout's keep mask r ∈ {0,1} of `shape` [B, H, m], or null (nothing dropped). */
  columns(name: string, shape: readonly number[], p: number, like: Tensor): Tensor | null {
    if (this.masks) return this.explicit(name, shape);
    if (!this.stream || p === 0) return null;
    const r = Tensor.empty(like.backend, shape, { label: name + this.suffix });
    const count = shape.reduce((a, b) => a * b, 1);
    // Kept (value 1, no rescale: the contract's reading) iff u ≥ p, i.e. Bernoulli(1 − p).
    like.backend.dropoutMask(r.buf, this.stream.seed, this.stream.take(count), p, 1);
    return r;
  }
}

/** Every explicit mask name a config accepts (the PyTorch reference's `mask_names`). */
export function maskNames(c: {
  layers: number;
  attention: string;
  decomposedDropout: string;
  twoTower: boolean;
  sparseBlocks: number;
  softmaxImpl?: string;
}): string[] {
  const names = ['embed.dropout'];
  for (let i = 0; i < c.layers; i++) {
    names.push(`layers.${i}.attn.out_dropout`);
    // Fused softmax has no attention dropout site (it never stores the probabilities).
    if ((c.attention === 'softmax' && c.softmaxImpl !== 'fused') || c.attention === 'bigbird' || c.attention === 'reformer')
      names.push(`layers.${i}.attn.dropout`);
    if (c.attention === 'bigbird' && c.sparseBlocks > 0) names.push(`layers.${i}.attn.dropout_blocks`);
    if (c.attention === 'proxy' && c.decomposedDropout !== 'off') names.push(`layers.${i}.attn.columns`);
    names.push(`layers.${i}.ffn.dropout1`, `layers.${i}.ffn.dropout2`);
  }
  return c.twoTower ? [...names, ...names.map((n) => `${n}@2`)] : names;
}

/**
 * The draws of micro-batch `part` of `parts` within the whole batch's stream. Every drawn mask
 * has the batch as its leading axis ([B, n, d], [B, H, n, n], [B, H, m]) and the masks are drawn
 * in the same order for any batch size, so a mask of `count` elements for B/parts examples is the
 * slice [part·count, (part + 1)·count) of the whole batch's mask of parts·count elements, and the
 * next mask starts parts·count further on. Gradient accumulation therefore sees the same dropout
 * as the whole batch (src/train/microBatch.test.ts).
 */
export class MicroBatchStream extends DropoutStream {
  private wholeOffset = 0;

  constructor(
    seed: number,
    readonly part: number,
    readonly parts: number,
  ) {
    super(seed);
    if (!Number.isInteger(parts) || parts < 1 || !Number.isInteger(part) || part < 0 || part >= parts)
      throw new Error(`micro-batch ${part} of ${parts}: the part must be an integer in [0, parts) and parts a positive integer`);
  }

  /** The whole batch's draws: every part gets the same counters (no batch axis to slice). */
  override takeShared(count: number): number {
    const at = this.wholeOffset;
    this.wholeOffset = (this.wholeOffset + count) >>> 0;
    this.offset = this.wholeOffset;
    return at;
  }

  override take(count: number): number {
    const at = (this.wholeOffset + this.part * count) >>> 0;
    this.wholeOffset = (this.wholeOffset + this.parts * count) >>> 0;
    this.offset = this.wholeOffset;
    return at;
  }
}
