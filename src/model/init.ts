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

  /**
   * `blocks` independent rows×cols matrices (row-major, one after another), each semi-orthogonal
   * and scaled so that its mean squared entry is 1: orthonormal rows times √cols when rows ≤ cols,
   * orthonormal columns times √rows otherwise (torch.nn.init.orthogonal_'s shape rule). Drawn by
   * Gram–Schmidt on N(0, 1) draws, which gives the Haar distribution as QR does.
   */
  orthogonal(blocks: number, rows: number, cols: number): Float64Array {
    const g = this.normal(blocks * rows * cols, 1);
    const out = new Float64Array(blocks * rows * cols);
    const byRows = rows <= cols;
    const [count, len] = byRows ? [rows, cols] : [cols, rows];
    const at = (b: number, v: number, i: number) => b * rows * cols + (byRows ? v * cols + i : i * cols + v);
    for (let b = 0; b < blocks; b++) {
      const basis: Float64Array[] = [];
      for (let v = 0; v < count; v++) {
        const u = new Float64Array(len);
        for (let i = 0; i < len; i++) u[i] = g[at(b, v, i)];
        // Modified Gram–Schmidt, twice: one pass leaves rounding-level overlaps in float64.
        for (let pass = 0; pass < 2; pass++)
          for (const e of basis) {
            let dot = 0;
            for (let i = 0; i < len; i++) dot += u[i] * e[i];
            for (let i = 0; i < len; i++) u[i] -= dot * e[i];
          }
        let norm = 0;
        for (let i = 0; i < len; i++) norm += u[i] * u[i];
        norm = Math.sqrt(norm);
        for (let i = 0; i < len; i++) u[i] /= norm;
        basis.push(u);
        const scale = Math.sqrt(len);
        for (let i = 0; i < len; i++) out[at(b, v, i)] = u[i] * scale;
      }
    }
    return out;
  }
}

/** The spec's standard deviation for token/position embeddings and proxies. */
export const EMBED_INIT_STD = 0.02;
