/**
 * Token embedding plus a learned absolute position embedding (docs/models.md "The encoder"), both N(0, 0.02):
 * `embed.tokens.weight` [vocabSize, d], `embed.positions.weight` [seqLen, d]. Positions
 * 0 … n−1 of the table are used for an input of length n ≤ seqLen.
 */
import { add, embedding, slice, type ParameterScope, type Tensor } from '../engine';
import { EMBED_INIT_STD, type Initialiser } from './init';

export class Embeddings {
  readonly tokens: Tensor;
  readonly positions: Tensor;

  constructor(scope: ParameterScope, vocabSize: number, seqLen: number, d: number, init: Initialiser) {
    this.tokens = scope.create('tokens.weight', [vocabSize, d], init.normal(vocabSize * d, EMBED_INIT_STD));
    this.positions = scope.create('positions.weight', [seqLen, d], init.normal(seqLen * d, EMBED_INIT_STD));
  }

  /** ids i32 [B, n] → [B, n, d] (before the embedding dropout). */
  apply(ids: Tensor): Tensor {
    const n = ids.shape[1];
    if (n > this.positions.shape[0]) throw new Error(`the input has length ${n}, more than seqLen ${this.positions.shape[0]} positions`);
    return add(embedding(this.tokens, ids), slice(this.positions, 0, 0, n));
  }
}
