// unaryGrad: dx (+)= dy · f'(x). OP: 0 relu (f' = [x > 0]), 1 gelu (Φ(x) + x·φ(x)).
// gelu.wgsl is prepended.
override WG: u32 = 256u;
override OP: u32 = 0u;

// The uniform struct P is generated from the uniforms() declaration in elementwise.ts.

@group(0) @binding(0) var<uniform> p: P;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read> dy: array<f32>;
@group(0) @binding(3) var<storage, read_write> dx: array<f32>;

@compute @workgroup_size(WG)
fn unary_grad(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_index) lid: u32) {
  let i = (wid.y * nwg.x + wid.x) * WG + lid;
  if (i >= p.n) {
    return;
  }
  let v = x[i];
  var d: f32;
  if (OP == 0u) {
    d = select(0.0, dy[i], v > 0.0);
  } else {
    d = dy[i] * gelu_grad_f(v);
  }
  if (p.acc != 0u) {
    d = d + dx[i];
  }
  dx[i] = d;
}
