// The counter-based generator of src/engine/cpu/random.ts (keep the two identical): the draw
// for element i depends only on (seed, counter), so CPU and WebGPU dropout masks agree.
// Include this text in kernels that draw random numbers.
fn pcg_hash(v: u32) -> u32 {
  let state = v * 747796405u + 2891336453u;
  let word = ((state >> ((state >> 28u) + 4u)) ^ state) * 277803737u;
  return (word >> 22u) ^ word;
}

fn random_u32(seed: u32, counter: u32) -> u32 {
  return pcg_hash(pcg_hash(seed) + counter);
}

fn random_uniform(seed: u32, counter: u32) -> f32 {
  return f32(random_u32(seed, counter) >> 8u) / 16777216.0;
}
