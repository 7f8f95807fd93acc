// fill: out[i] = value for every element. The value travels as raw bits, so one kernel fills
// f32 and i32 buffers alike. 1-D index over a 2-D grid of workgroups (65535 per dimension).
override WG: u32 = 256u;

// The uniform struct P is generated from the uniforms() declaration in copy.ts.

@group(0) @binding(0) var<uniform> p: P;
@group(0) @binding(1) var<storage, read_write> out: array<u32>;

@compute @workgroup_size(WG)
fn fill(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_index) lid: u32) {
  let i = (wid.y * nwg.x + wid.x) * WG + lid;
  if (i < p.n) {
    out[i] = p.bits;
  }
}
