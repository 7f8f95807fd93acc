/**
 * The engine's logits for imported weights: builds the TypeScript model on a backend, loads the
 * weights by name and runs one evaluation forward pass (no dropout, no tape). The inference
 * panel compares these with onnxruntime's; the bundle tests compare them with PyTorch's.
 */
import { intTensor, noGrad, scope, tensor, type Backend } from '../engine';
import type { RunConfig } from '../config';
import { buildModel } from '../model/model';

/** Token ids and padding mask of a batch of `batch` rows (plus the second tower's for retrieval). */
export interface InferenceBatch {
  batch: number;
  tokens: Int32Array;
  mask: Float32Array;
  tokens2?: Int32Array;
  mask2?: Float32Array;
}

/** Logits [batch, numClasses], row-major. */
export async function engineLogits(
  backend: Backend,
  config: RunConfig,
  weights: ReadonlyMap<string, Float32Array>,
  input: InferenceBatch,
): Promise<Float32Array> {
  const model = buildModel(backend, config, config.initSeed, { batchSize: input.batch });
  try {
    for (const [name, data] of weights) model.params.load(name, data);
    model.weightsChanged();
    const shape = [input.batch, config.seqLen];
    const logits = noGrad(() =>
      scope(() => {
        const second = config.twoTower
          ? {
              tokens2: intTensor(backend, need(input.tokens2, 'tokens2'), shape),
              mask2: tensor(backend, need(input.mask2, 'mask2'), shape),
            }
          : {};
        return model.forward(
          { tokens: intTensor(backend, input.tokens, shape), mask: tensor(backend, input.mask, shape), ...second },
          { train: false },
        ).logits;
      }),
    );
    try {
      return Float32Array.from(await logits.read());
    } finally {
      logits.dispose();
    }
  } finally {
    noGrad(() => model.dispose());
  }
}

function need<T>(x: T | undefined, name: string): T {
  if (x === undefined) throw new Error(`a two-tower (retrieval) model needs ${name}`);
  return x;
}
