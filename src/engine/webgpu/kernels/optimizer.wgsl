// Optimizer kernels (workgroupReduce.wgsl is prepended).
//   sum_squares:      out[0] (+)= Σ x², one workgroup striding over x (deterministic order).
//   sum_squares_partial: for long x, workgroup c sums x² over elements [c·chunk, (c+1)·chunk)
//                     into out[c]; the backend then adds the chunks in order.
//   clip_coefficient: out[0] = min(1, maxNorm / (sqrt(sumSq[0]) + 1e-6)); maxNorm ≤ 0 → 1.
//   adamw / adamw_scaled: PyTorch AdamW; g = grad · gradScale[0] (scaled variant reads the clip
//                     coefficient from a buffer, so clipping needs no read-back). The _blocks
//                     variants read the weight decay per block of 64 elements (a parameter group).
//   check_finite:     out[0] = marker when any x is NaN or ±Inf (exponent bits all ones).
override WG: u32 = 256u;

// The uniform struct P is generated from the uniforms() declaration in optimizer.ts.

@group(0) @binding(0) var<uniform> p: P;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read_write> out: array<f32>;
@group(0) @binding(2) var<storage, read_write> flag: array<u32>;
// adamw: param, grad, m, v, gradScale
@group(0) @binding(1) var<storage, read_write> param: array<f32>;
@group(0) @binding(2) var<storage, read> grad: array<f32>;
@group(0) @binding(3) var<storage, read_write> m1: array<f32>;
@group(0) @binding(4) var<storage, read_write> m2: array<f32>;
@group(0) @binding(5) var<storage, read> gscale: array<f32>;
// adamw_blocks: param, grad, m, v, decay; adamw_scaled_blocks: param, grad, m, v, gradScale, decay
// (decay[b]: the weight decay of elements [b·64, b·64 + 64), GROUP_ALIGN in backend.ts).
@group(0) @binding(5) var<storage, read> decay5: array<f32>;
@group(0) @binding(6) var<storage, read> decay6: array<f32>;

@compute @workgroup_size(WG)
fn sum_squares(@builtin(local_invocation_index) lid: u32) {
  var s = 0.0;
  for (var i = lid; i < p.n; i += WG) {
    let v = x[i];
    s = fma(v, v, s);
  }
  let t = wg_sum(lid, s);
  if (lid == 0u) {
    out[0] = select(t, out[0] + t, p.acc != 0u);
  }
}

@compute @workgroup_size(WG)
fn sum_squares_partial(@builtin(workgroup_id) wid: vec3u, @builtin(local_invocation_index) lid: u32) {
  let e0 = wid.x * p.chunk;
  let e1 = min(e0 + p.chunk, p.n);
  var s = 0.0;
  for (var i = e0 + lid; i < e1; i += WG) {
    let v = x[i];
    s = fma(v, v, s);
  }
  let t = wg_sum(lid, s);
  if (lid == 0u) {
    out[wid.x] = t;
  }
}

@compute @workgroup_size(1)
fn clip_coefficient() {
  if (p.maxNorm <= 0.0) {
    out[0] = 1.0;
  } else {
    out[0] = min(1.0, p.maxNorm / (sqrt(x[0]) + 1e-6));
  }
}

fn adam_update(i: u32, g: f32, wd: f32) {
  var w = param[i];
  w = w - p.lr * wd * w;
  let m = p.beta1 * m1[i] + (1.0 - p.beta1) * g;
  let v = p.beta2 * m2[i] + (1.0 - p.beta2) * g * g;
  m1[i] = m;
  m2[i] = v;
  param[i] = w - p.lr * (m / p.bc1) / (sqrt(v / p.bc2) + p.eps);
}

@compute @workgroup_size(WG)
fn adamw(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_index) lid: u32) {
  let i = (wid.y * nwg.x + wid.x) * WG + lid;
  if (i < p.n) {
    adam_update(i, grad[i], p.wd);
  }
}

@compute @workgroup_size(WG)
fn adamw_scaled(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_index) lid: u32) {
  let i = (wid.y * nwg.x + wid.x) * WG + lid;
  if (i < p.n) {
    adam_update(i, grad[i] * gscale[0], p.wd);
  }
}

@compute @workgroup_size(WG)
fn adamw_blocks(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_index) lid: u32) {
  let i = (wid.y * nwg.x + wid.x) * WG + lid;
  if (i < p.n) {
    adam_update(i, grad[i], decay5[i / 64u]);
  }
}

@compute @workgroup_size(WG)
fn adamw_scaled_blocks(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_index) lid: u32) {
  let i = (wid.y * nwg.x + wid.x) * WG + lid;
  if (i < p.n) {
    adam_update(i, grad[i] * gscale[0], decay6[i / 64u]);
  }
}

@compute @workgroup_size(WG)
fn check_finite(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_index) lid: u32) {
  let i = (wid.y * nwg.x + wid.x) * WG + lid;
  if (i < p.n && (bitcast<u32>(x[i]) & 0x7f800000u) == 0x7f800000u) {
    flag[0] = p.marker;
  }
}
