// binary: out (contiguous, 4-D shape) = a ∘ b, a and b read through strides (0 broadcasts).
// OP: 0 add, 1 sub, 2 mul, 3 div (a pipeline per op, so the branch folds away).
override WG: u32 = 256u;
override OP: u32 = 0u;

// The uniform struct P is generated from the uniforms() declaration in elementwise.ts.

@group(0) @binding(0) var<uniform> p: P;
@group(0) @binding(1) var<storage, read> a: array<f32>;
@group(0) @binding(2) var<storage, read> b: array<f32>;
@group(0) @binding(3) var<storage, read_write> out: array<f32>;

@compute @workgroup_size(WG)
fn binary(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_index) lid: u32) {
  let i = (wid.y * nwg.x + wid.x) * WG + lid;
  if (i >= p.total) {
    return;
  }
  let i3 = i % p.s3;
  var r = i / p.s3;
  let i2 = r % p.s2;
  r = r / p.s2;
  let i1 = r % p.s1;
  let i0 = r / p.s1;
  let x = a[i0 * p.a0 + i1 * p.a1 + i2 * p.a2 + i3 * p.a3];
  let y = b[i0 * p.b0 + i1 * p.b1 + i2 * p.b2 + i3 * p.b3];
  var v: f32;
  switch OP {
    case 0u: { v = x + y; }
    case 1u: { v = x - y; }
    case 2u: { v = x * y; }
    default: { v = x / y; }
  }
  out[i] = v;
}
