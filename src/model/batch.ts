/** Checks of a batch against the model config, before anything runs (docs/model-contract.md "Batch tensors"). */
import type { Tensor } from '../engine';
import { segmentsFit, usesLandmarks, type ModelConfig } from '../config';
import type { ModelBatch } from './types';

function checkTower(c: ModelConfig, tokens: Tensor | undefined, mask: Tensor | undefined, which: string): void {
  if (!tokens || !mask) throw new Error(`batch lacks ${tokens ? 'the mask of ' : ''}${which} (twoTower is ${c.twoTower})`);
  if (tokens.dtype !== 'i32' || tokens.rank !== 2) throw new Error(`${which} must be i32 [B, n], got ${tokens.describe()}`);
  if (mask.dtype !== 'f32' || mask.shape.join() !== tokens.shape.join())
    throw new Error(`the mask of ${which} must be f32 [${tokens.shape.join(', ')}], got ${mask.describe()}`);
  const n = tokens.shape[1];
  if (n > c.seqLen) throw new Error(`${which} has length ${n}, more than seqLen ${c.seqLen}`);
  if (c.attention === 'linformer' && n !== c.seqLen) {
    throw new Error(
      `${which} has length ${n}, but Linformer's E has one column per position of seqLen ${c.seqLen}: pad every input to exactly ${c.seqLen} tokens (the length of a Linformer model is fixed)`,
    );
  }
  if (usesLandmarks(c) && c.landmarks > n) throw new Error(`${which} has length ${n}, fewer tokens than landmarks ${c.landmarks}`);
  if (!segmentsFit(c, n)) throw new Error(`${which} has length ${n}, not a multiple of landmarks ${c.landmarks} (segment means)`);
}

/** Throws with the offending shapes when a batch does not fit the config. */
export function checkBatch(c: ModelConfig, batch: ModelBatch): void {
  checkTower(c, batch.tokens, batch.mask, 'tokens');
  if (c.twoTower) {
    checkTower(c, batch.tokens2, batch.mask2, 'tokens2');
    if (batch.tokens2!.shape[0] !== batch.tokens.shape[0])
      throw new Error(`tokens2 has ${batch.tokens2!.shape[0]} rows, tokens ${batch.tokens.shape[0]}`);
  }
  const b = batch.tokens.shape[0];
  if (batch.labels && (batch.labels.dtype !== 'i32' || batch.labels.shape.join() !== String(b)))
    throw new Error(`labels must be i32 [${b}], got ${batch.labels.describe()}`);
}
