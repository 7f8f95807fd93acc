// unary: out = f(x) elementwise. OP: 0 affine (alpha·x + beta), 1 relu, 2 gelu, 3 exp, 4 log,
// 5 sqrt, 6 rsqrt, 7 square, 8 recip, 9 abs. `unary_inplace` serves out = x (WebGPU forbids
// binding one buffer as both read-only and writable in a dispatch). gelu.wgsl is prepended.
override WG: u32 = 256u;
override OP: u32 = 0u;

// The uniform struct P is generated from the uniforms() declaration in elementwise.ts.

@group(0) @binding(0) var<uniform> p: P;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read_write> out: array<f32>;
@group(0) @binding(1) var<storage, read_write> io: array<f32>;

fn apply(v: f32) -> f32 {
  switch OP {
    case 0u: { return p.alpha * v + p.beta; }
    case 1u: { return max(v, 0.0); }
    case 2u: { return gelu_f(v); }
    case 3u: { return exp(v); }
    case 4u: { return log(v); }
    case 5u: { return sqrt(v); }
    case 6u: { return inverseSqrt(v); }
    case 7u: { return v * v; }
    case 8u: { return 1.0 / v; }
    default: { return abs(v); }
  }
}

@compute @workgroup_size(WG)
fn unary(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_index) lid: u32) {
  let i = (wid.y * nwg.x + wid.x) * WG + lid;
  if (i < p.n) {
    out[i] = apply(x[i]);
  }
}

@compute @workgroup_size(WG)
fn unary_inplace(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_index) lid: u32) {
  let i = (wid.y * nwg.x + wid.x) * WG + lid;
  if (i < p.n) {
    io[i] = apply(io[i]);
  }
}
