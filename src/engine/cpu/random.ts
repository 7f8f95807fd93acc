/**
 * The counter-based generator shared by the CPU and WebGPU backends: the draw for element i
 * depends only on (seed, counter = offset + i), so both backends give the same dropout mask
 * for the same seed, and a run resumed from a checkpoint draws exactly what it would have.
 * Two rounds of the PCG output hash (O'Neill; as in Jarzynski & Olano 2020, "Hash Functions
 * for GPU Rendering"), written with 32-bit integer arithmetic that WGSL has too
 * (`kernels/random.wgsl` must stay identical).
 */

/** PCG hash of a u32. */
export function pcgHash(v: number): number {
  const state = (Math.imul(v >>> 0, 747796405) + 2891336453) >>> 0;
  const shift = ((state >>> 28) + 4) >>> 0;
  const word = Math.imul(((state >>> shift) ^ state) >>> 0, 277803737) >>> 0;
  return ((word >>> 22) ^ word) >>> 0;
}

/** A u32 for (seed, counter). */
export function randomU32(seed: number, counter: number): number {
  return pcgHash((pcgHash(seed >>> 0) + (counter >>> 0)) >>> 0);
}

/** A float in [0, 1) with 24 random bits, exactly representable in f32. */
export function randomUniform(seed: number, counter: number): number {
  return (randomU32(seed, counter) >>> 8) / 16777216;
}

/**
 * The same generator as a sequence: call k returns `randomUniform(seed, k)`. The one seeded
 * source of test data and benchmark inputs, so every failure reproduces; the data generators
 * keep their own streams (src/data/rng.ts), which must not correlate with this one.
 */
export function uniformStream(seed: number): () => number {
  let counter = 0;
  return () => randomUniform(seed, counter++);
}
