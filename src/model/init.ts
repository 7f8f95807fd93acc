/**
 * Seeded initial values. The spec fixes N(0, 0.02) for the embeddings and the proxies; every
 * other tensor follows PyTorch's defaults (as python/proxyformer does): Linear weight and bias
 * U(±1/√fan_in), the conv skip U(±1/√k), LayerNorm gain 1 and shift 0. Parity tests load the
 * same weights on both sides, so only the distributions (not the draws) match PyTorch.
 */
import { uniformValues } from '../engine';

/** Draws disjoint ranges of the engine's counter-based generator, one parameter after another. */
export class Initialiser {
  private offset = 0;

  constructor(readonly seed: number) {}

  /** `count` values uniform in [−bound, bound). */
  uniform(count: number, bound: number): Float64Array {
    const out = uniformValues(this.seed, count, -bound, bound, this.offset);
    this.offset += count;
    return out;
  }

  /** `count` values N(0, std²) by the Box–Muller transform. */
  normal(count: number, std: number): Float64Array {
    const u = uniformValues(this.seed, 2 * count, 0, 1, this.offset);
    this.offset += 2 * count;
    const out = new Float64Array(count);
    for (let i = 0; i < count; i++) {
      const radius = Math.sqrt(-2 * Math.log(1 - u[2 * i])); // 1 − u ∈ (0, 1]: no log(0)
      out[i] = std * radius * Math.cos(2 * Math.PI * u[2 * i + 1]);
    }
    return out;
  }
}

/** The spec's standard deviation for token/position embeddings and proxies. */
export const EMBED_INIT_STD = 0.02;
