// Dropout keep-mask from the shared counter-based generator (random.wgsl is prepended):
// out[i] = scale when uniform(seed, offset + i) ≥ p (kept, probability 1 − p), else 0 —
// the same comparison as the CPU reference, so the masks are bit-identical. dropout_apply also
// multiplies x by it (one dispatch for the mask and the product).
override WG: u32 = 256u;

// The uniform struct P is generated from the uniforms() declaration in dropout.ts.

@group(0) @binding(0) var<uniform> prm: P;
@group(0) @binding(1) var<storage, read_write> out: array<f32>;
// dropout_apply: x, y, mask — the mask as dropout_mask writes it, and y = x · mask.
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read_write> y: array<f32>;
@group(0) @binding(3) var<storage, read_write> mask: array<f32>;

@compute @workgroup_size(WG)
fn dropout_mask(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_index) lid: u32) {
  let i = (wid.y * nwg.x + wid.x) * WG + lid;
  if (i < prm.n) {
    let u = random_uniform(prm.seed, prm.offset + i);
    out[i] = select(0.0, prm.scale, u >= prm.p);
  }
}

@compute @workgroup_size(WG)
fn dropout_apply(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_index) lid: u32) {
  let i = (wid.y * nwg.x + wid.x) * WG + lid;
  if (i < prm.n) {
    let u = random_uniform(prm.seed, prm.offset + i);
    let k = select(0.0, prm.scale, u >= prm.p);
    mask[i] = k;
    y[i] = x[i] * k;
  }
}
