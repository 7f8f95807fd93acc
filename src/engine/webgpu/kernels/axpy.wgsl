// y = alpha * x + y, one invocation per element. The smallest real kernel: the capability
// self-test dispatches it to prove that compute, buffers and read-back all work.
override WG: u32 = 64u;

// The uniform struct P is generated from the uniforms() declaration in selfTest.ts.

@group(0) @binding(0) var<uniform> params: P;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read_write> y: array<f32>;

@compute @workgroup_size(WG)
fn main(@builtin(global_invocation_id) gid: vec3<u32>) {
  let i = gid.x;
  if (i < params.n) {
    y[i] = params.alpha * x[i] + y[i];
  }
}
