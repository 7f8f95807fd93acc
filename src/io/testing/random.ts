/**
 * Seeded test inputs under the names of docs/model-contract.md: weights by parameter name and
 * padded token batches. Shared by the ONNX export tests (io), the model's PyTorch parity tests
 * (model) and the bundle and inference tests; io is the lowest layer that knows the contract's
 * names (`parameterShapes` in onnx/config.ts), so the helpers live here. Numbers come from the
 * engine's seeded generator (`uniformStream`), so every failure reproduces.
 */
import { uniformStream } from '../../engine/cpu/random';
import { isStateName } from '../onnx/config';

/**
 * Random weights by name: Linear and conv weights U(±1/√fan_in) as PyTorch's init, biases and
 * LayerNorm shifts ±0.1, LayerNorm gains 1 ± 0.1, embeddings and proxies U(±1) — large, so that
 * K2 is far from uniform (a near-uniform K2 would hide a transposed kernel); Linformer's E
 * U(±1/√n) (each projected key a mix of n keys of unit scale) by the fan-in rule; Performer's
 * features U(±√3), the scale of a N(0, 1) draw (W need not be orthogonal for parity); BigBird's
 * random blocks a valid draw of block ids (`randomBlocks`).
 */
export function randomWeights(shapes: Iterable<readonly [string, readonly number[]]>, seed = 1): Map<string, Float32Array> {
  const next = uniformStream(seed);
  const sym = (bound: number) => (2 * next() - 1) * bound;
  const out = new Map<string, Float32Array>();
  for (const [name, shape] of shapes) {
    const isNorm = /norm\d?\.(weight|bias)$/.test(name);
    const fill = (): number => {
      if (isNorm) return name.endsWith('weight') ? 1 + sym(0.1) : sym(0.1);
      if (name.endsWith('.bias')) return sym(0.1);
      if (name.startsWith('embed.') || /proxies|proxy_[qk]/.test(name)) return sym(1);
      if (isStateName(name)) return sym(Math.sqrt(3));
      return sym(1 / Math.sqrt(shape[shape.length - 1]));
    };
    const count = shape.reduce((a, b) => a * b, 1);
    out.set(name, name.endsWith('attn.random_blocks') ? randomBlocks(shape, next) : Float32Array.from({ length: count }, fill));
  }
  return out;
}

/**
 * BigBird's random blocks [nb − 2, r] as a valid draw (uniform values are no block ids, and the
 * exporter and the engine refuse them): per sparse query block i, r distinct blocks outside its
 * window and the global blocks (a partial Fisher–Yates shuffle), −1 where fewer exist. One value
 * of the stream per entry, as the other tensors take. With nb ≤ 2 the stored row is never read.
 */
function randomBlocks(shape: readonly number[], next: () => number): Float32Array {
  const [rows, r] = shape;
  const nb = rows + 2;
  const out = new Float32Array(rows * r).fill(-1);
  for (let row = 0; row < rows; row++) {
    const i = row + 1;
    const pool = Array.from({ length: nb }, (_, j) => j).filter((j) => ![i - 1, i, i + 1, 0, nb - 1].includes(j));
    for (let t = 0; t < r; t++) {
      const u = next();
      if (t >= pool.length) continue;
      const pick = t + Math.min(Math.floor(u * (pool.length - t)), pool.length - t - 1);
      [pool[t], pool[pick]] = [pool[pick], pool[t]];
      out[row * r + t] = pool[t];
    }
  }
  return out;
}

/** Uniform values in ±scale for every shape (e.g. optimizer moments). */
export function uniformTensors(
  shapes: Iterable<readonly [string, readonly number[]]>,
  seed: number,
  scale: number,
): Map<string, Float32Array> {
  const next = uniformStream(seed);
  const out = new Map<string, Float32Array>();
  for (const [name, shape] of shapes)
    out.set(
      name,
      Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => (2 * next() - 1) * scale),
    );
  return out;
}

/** A batch of rows of length n, row b with `lengths[b]` tokens 1…vocab−1 then padding (id 0, mask 0); a second tower for two-tower configs; labels < numClasses. */
export interface RandomBatch {
  batch: number;
  tokens: Int32Array;
  mask: Float32Array;
  tokens2?: Int32Array;
  mask2?: Float32Array;
  labels: Int32Array;
}

export function randomBatch(
  c: { vocabSize: number; numClasses: number; twoTower: boolean },
  n: number,
  lengths: readonly number[],
  seed = 7,
): RandomBatch {
  const next = uniformStream(seed);
  const tower = () => {
    const tokens = new Int32Array(lengths.length * n);
    const mask = new Float32Array(lengths.length * n);
    lengths.forEach((len, row) => {
      for (let i = 0; i < len; i++) {
        tokens[row * n + i] = 1 + Math.floor(next() * (c.vocabSize - 1));
        mask[row * n + i] = 1;
      }
    });
    return { tokens, mask };
  };
  const first = tower();
  const second = c.twoTower ? tower() : undefined;
  const labels = Int32Array.from(lengths, () => Math.floor(next() * c.numClasses));
  return { batch: lengths.length, ...first, tokens2: second?.tokens, mask2: second?.mask, labels };
}
