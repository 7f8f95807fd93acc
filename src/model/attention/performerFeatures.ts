/**
 * Performer's random features (FAVOR+, Choromanski et al. 2021, as performer_pytorch's
 * `gaussian_orthogonal_random_matrix` with scaling 0): ⌈F/d_h⌉ blocks of d_h orthogonal rows,
 * each block the Gram–Schmidt orthonormalisation of a d_h×d_h Gaussian matrix (the last block
 * keeps its first rows), every row then rescaled by the norm of an independent Gaussian vector
 * of length d_h, so that each row is marginally N(0, I) while rows of a block stay orthogonal
 * (lower variance than i.i.d. features). Host-side, seeded: the values depend only on the seed.
 */
import { Initialiser } from '../init';

/** W [features, dh] row-major, drawn from `init`. */
export function orthogonalGaussianFeatures(init: Initialiser, features: number, dh: number): Float64Array {
  const out = new Float64Array(features * dh);
  for (let start = 0; start < features; start += dh) {
    const block = orthonormalRows(init, dh);
    const rows = Math.min(dh, features - start);
    out.set(block.subarray(0, rows * dh), start * dh);
  }
  const lengths = init.normal(features * dh, 1);
  for (let r = 0; r < features; r++) {
    let norm = 0;
    for (let c = 0; c < dh; c++) norm += lengths[r * dh + c] ** 2;
    norm = Math.sqrt(norm);
    for (let c = 0; c < dh; c++) out[r * dh + c] *= norm;
  }
  return out;
}

/** d×d Gaussian rows made orthonormal by modified Gram–Schmidt (redrawn if a row degenerates). */
function orthonormalRows(init: Initialiser, d: number): Float64Array {
  for (;;) {
    const m = init.normal(d * d, 1);
    let ok = true;
    for (let i = 0; i < d && ok; i++) {
      const row = m.subarray(i * d, (i + 1) * d);
      for (let j = 0; j < i; j++) {
        const prev = m.subarray(j * d, (j + 1) * d);
        let dot = 0;
        for (let c = 0; c < d; c++) dot += row[c] * prev[c];
        for (let c = 0; c < d; c++) row[c] -= dot * prev[c];
      }
      const norm = Math.hypot(...row);
      // A Gaussian matrix is singular with probability 0; a near-singular draw loses orthogonality in f64, so draw again.
      if (norm < 1e-8) ok = false;
      else for (let c = 0; c < d; c++) row[c] /= norm;
    }
    if (ok) return m;
  }
}

/**
 * The seed of the redraw before training step `step` (docs/model-contract.md: deterministic from
 * initSeed and the step), hashed so that nearby seeds and steps give unrelated streams.
 */
export function redrawSeed(initSeed: number, step: number): number {
  let h = Math.imul((initSeed >>> 0) ^ 0x5bd1e995, 0x85ebca6b) >>> 0;
  h = Math.imul(h ^ (h >>> 13) ^ Math.imul(step + 1, 0x9e3779b1), 0xc2b2ae35) >>> 0;
  return (h ^ (h >>> 16)) >>> 0;
}

/** A fresh Initialiser for the redraw before `step`. */
export function redrawInitialiser(initSeed: number, step: number): Initialiser {
  return new Initialiser(redrawSeed(initSeed, step));
}
