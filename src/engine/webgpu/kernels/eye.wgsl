// eye: out[b] = scale·I for each of `batch` m×m matrices (every element written).
override WG: u32 = 256u;

// The uniform struct P is generated from the uniforms() declaration in copy.ts.

@group(0) @binding(0) var<uniform> p: P;
@group(0) @binding(1) var<storage, read_write> out: array<f32>;

@compute @workgroup_size(WG)
fn eye(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_index) lid: u32) {
  let i = (wid.y * nwg.x + wid.x) * WG + lid;
  if (i >= p.n) {
    return;
  }
  let within = i % (p.m * p.m);
  out[i] = select(0.0, p.scale, within / p.m == within % p.m);
}
