// Depthwise 1-D convolution along the sequence, one kernel w[h, 0..k) per head shared by that
// head's channels, zero padding k//2, no bias (cross-correlation, as torch.nn.functional.conv1d):
//   out[b, t, c] = Σ_j w[h, j] · x[b, t + j − pad, c],  h = b % heads, x/out [BH, n, d].
//   dconv_dx: dx[b, s, c] (+)= Σ_j w[h, j] · dy[b, s − j + pad, c]
//   dconv_dw_partial: the first of two deterministic stages of
//             dw[h, j] += Σ_{b ≡ h mod heads, t, c} dy[b, t, c] · x[b, t + j − pad, c]:
//             workgroup (h·k + j, chunk) sums `chunk` consecutive (b, t, c) terms into
//             part[chunk, h·k + j]; the backend's reduce then adds the chunks in order into dw.
override WG: u32 = 256u;

// The uniform struct P is generated from the uniforms() declaration in dconv.ts.

@group(0) @binding(0) var<uniform> p: P;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read> w: array<f32>;
@group(0) @binding(3) var<storage, read_write> out: array<f32>;
// backward: x, w, dy, then dx or dw
@group(0) @binding(3) var<storage, read> dy: array<f32>;
@group(0) @binding(4) var<storage, read_write> dx: array<f32>;
@group(0) @binding(4) var<storage, read_write> part: array<f32>;

@compute @workgroup_size(WG)
fn dconv_forward(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_index) lid: u32) {
  let i = (wid.y * nwg.x + wid.x) * WG + lid;
  if (i >= p.bh * p.n * p.d) {
    return;
  }
  let c = i % p.d;
  let t = (i / p.d) % p.n;
  let b = i / (p.d * p.n);
  let h = b % p.heads;
  var s = 0.0;
  for (var j = 0u; j < p.k; j++) {
    let src = i32(t + j) - i32(p.pad);
    if (src >= 0 && src < i32(p.n)) {
      s = fma(w[h * p.k + j], x[(b * p.n + u32(src)) * p.d + c], s);
    }
  }
  out[i] = s;
}

@compute @workgroup_size(WG)
fn dconv_dx(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_index) lid: u32) {
  let i = (wid.y * nwg.x + wid.x) * WG + lid;
  if (i >= p.bh * p.n * p.d) {
    return;
  }
  let c = i % p.d;
  let s = (i / p.d) % p.n;
  let b = i / (p.d * p.n);
  let h = b % p.heads;
  var g = 0.0;
  for (var j = 0u; j < p.k; j++) {
    let t = i32(s + p.pad) - i32(j);
    if (t >= 0 && t < i32(p.n)) {
      g = fma(w[h * p.k + j], dy[(b * p.n + u32(t)) * p.d + c], g);
    }
  }
  if (p.acc != 0u) {
    g += dx[i];
  }
  dx[i] = g;
}

@compute @workgroup_size(WG)
fn dconv_dw_partial(@builtin(workgroup_id) wid: vec3u, @builtin(local_invocation_index) lid: u32) {
  let hj = wid.x;
  let h = hj / p.k;
  let j = hj % p.k;
  let per = p.n * p.d;
  let blocks = (p.bh + p.heads - 1u - h) / p.heads; // rows b = h, h + heads, ... below bh
  let e0 = wid.y * p.chunk;
  let e1 = min(e0 + p.chunk, blocks * per);
  var s = 0.0;
  for (var e = e0 + lid; e < e1; e += WG) {
    let b = h + (e / per) * p.heads;
    let r = e % per;
    let t = r / p.d;
    let c = r % p.d;
    let src = i32(t + j) - i32(p.pad);
    if (src >= 0 && src < i32(p.n)) {
      s = fma(dy[b * per + r], x[(b * p.n + u32(src)) * p.d + c], s);
    }
  }
  let tot = wg_sum(lid, s);
  if (lid == 0u) {
    part[wid.y * p.heads * p.k + hj] = tot;
  }
}

// dconv_dw_partial without workgroup memory or barriers (software adapters): invocation
// (h·k + j, chunk) walks its chunk of terms in order; grid [ceil(heads·k / 64), chunks].
@compute @workgroup_size(64)
fn dconv_dw_partial_serial(@builtin(workgroup_id) wid: vec3u, @builtin(local_invocation_index) lid: u32) {
  let hj = wid.x * 64u + lid;
  if (hj >= p.heads * p.k) {
    return;
  }
  let h = hj / p.k;
  let j = hj % p.k;
  let per = p.n * p.d;
  let blocks = (p.bh + p.heads - 1u - h) / p.heads;
  let e0 = wid.y * p.chunk;
  let e1 = min(e0 + p.chunk, blocks * per);
  var s = 0.0;
  for (var e = e0; e < e1; e++) {
    let b = h + (e / per) * p.heads;
    let r = e % per;
    let t = r / p.d;
    let c = r % p.d;
    let src = i32(t + j) - i32(p.pad);
    if (src >= 0 && src < i32(p.n)) {
      s = fma(dy[b * per + r], x[(b * p.n + u32(src)) * p.d + c], s);
    }
  }
  part[wid.y * p.heads * p.k + hj] = s;
}
