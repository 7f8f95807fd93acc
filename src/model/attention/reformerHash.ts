/**
 * Reformer's hashing setup (docs/baselines.md "Reformer"), pure functions of the config and the
 * seed: how many buckets, and the random rotations R [H, d_h, rounds · buckets/2] that angular
 * LSH multiplies each token's shared query-key vector by, h(x) = argmax([xR_r; −xR_r]) per round r.
 */
import { uniformValues } from '../../engine';
export { reformerBuckets } from '../../config';
import type { Initialiser } from '../init';

/** The rotations' shape [H, d_h, rounds · buckets/2] (at least one column: one bucket hashes to 0). */
export function rotationShape(heads: number, dh: number, rounds: number, buckets: number): [number, number, number] {
  return [heads, dh, rounds * Math.max(1, buckets / 2)];
}

/** The evaluation rotations: N(0, 1) entries from the initialiser's stream (the run's seed), drawn once at build. */
export function drawRotations(init: Initialiser, shape: readonly number[]): Float64Array {
  return init.normal(
    shape.reduce((a, b) => a * b, 1),
    1,
  );
}

/**
 * A training forward's rotations: N(0, 1) from the engine's counter-based generator at
 * (seed, offset …) by the Box–Muller transform, so every backend and a resumed run draw the same.
 * Consumes 2·out.length counters; `uniforms` (2·out.length) and `out` are the caller's, reused
 * every step so the draw allocates nothing.
 */
export function trainingRotations(seed: number, offset: number, out: Float64Array, uniforms: Float64Array): Float64Array {
  const u = uniformValues(seed, 2 * out.length, 0, 1, offset, uniforms);
  for (let i = 0; i < out.length; i++) out[i] = Math.sqrt(-2 * Math.log(1 - u[2 * i])) * Math.cos(2 * Math.PI * u[2 * i + 1]);
  return out;
}
