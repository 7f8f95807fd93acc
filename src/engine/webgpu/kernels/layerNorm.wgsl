// LayerNorm over the last axis and its backward (workgroupReduce.wgsl is prepended).
//   ln_forward:   one workgroup per row; mean, rstd = 1/sqrt(var + eps) (biased variance,
//                 two passes), out = (x − mean)·rstd·gamma + beta; saves mean and rstd.
//   ln_backward_dx: one workgroup per row; x̂ = (x − mean)·rstd, g = dy·gamma,
//                 dx (+)= rstd·(g − mean(g) − x̂·mean(g·x̂)).
//   ln_params_partial + ln_params_finish: dgamma[c] += Σ_r dy·x̂, dbeta[c] += Σ_r dy in two
//                 deterministic stages (no float atomics): workgroups of 64 columns × 4 row lanes
//                 (coalesced) sum one chunk of rows each into part[chunk, {γ, β}, c]; then one
//                 invocation per column adds the chunks in order.
override WG: u32 = 256u;

// The uniform struct P is generated from the uniforms() declaration in layerNorm.ts.

@group(0) @binding(0) var<uniform> p: P;
@group(0) @binding(1) var<storage, read> x: array<f32>;
// forward
@group(0) @binding(2) var<storage, read> gamma: array<f32>;
@group(0) @binding(3) var<storage, read> beta: array<f32>;
@group(0) @binding(4) var<storage, read_write> out: array<f32>;
@group(0) @binding(5) var<storage, read_write> mean_out: array<f32>;
@group(0) @binding(6) var<storage, read_write> rstd_out: array<f32>;
// backward dx: x, gamma, mean, rstd, dy, dx
@group(0) @binding(3) var<storage, read> mean_in: array<f32>;
@group(0) @binding(4) var<storage, read> rstd_in: array<f32>;
@group(0) @binding(5) var<storage, read> dy: array<f32>;
@group(0) @binding(6) var<storage, read_write> dx: array<f32>;
// params, stage 1: x, mean, rstd, dy, part
@group(0) @binding(2) var<storage, read> pmean: array<f32>;
@group(0) @binding(3) var<storage, read> prstd: array<f32>;
@group(0) @binding(4) var<storage, read> pdy: array<f32>;
@group(0) @binding(5) var<storage, read_write> part: array<f32>;
// params, stage 2: part, dgamma, dbeta
@group(0) @binding(1) var<storage, read> part_in: array<f32>;
@group(0) @binding(2) var<storage, read_write> dgamma: array<f32>;
@group(0) @binding(3) var<storage, read_write> dbeta: array<f32>;

var<workgroup> lane_g: array<f32, 256>;
var<workgroup> lane_b: array<f32, 256>;

@compute @workgroup_size(WG)
fn ln_forward(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_index) lid: u32) {
  let row = wid.y * nwg.x + wid.x;
  if (row >= p.rows) {
    return;
  }
  let base = row * p.cols;
  let n = f32(p.cols);
  var s = 0.0;
  for (var j = lid; j < p.cols; j += WG) {
    s += x[base + j];
  }
  let mu = wg_sum(lid, s) / n;
  var q = 0.0;
  for (var j = lid; j < p.cols; j += WG) {
    let d = x[base + j] - mu;
    q += d * d;
  }
  let rs = inverseSqrt(wg_sum(lid, q) / n + p.eps);
  for (var j = lid; j < p.cols; j += WG) {
    out[base + j] = (x[base + j] - mu) * rs * gamma[j] + beta[j];
  }
  if (lid == 0u) {
    mean_out[row] = mu;
    rstd_out[row] = rs;
  }
}

@compute @workgroup_size(WG)
fn ln_backward_dx(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_index) lid: u32) {
  let row = wid.y * nwg.x + wid.x;
  if (row >= p.rows) {
    return;
  }
  let base = row * p.cols;
  let mu = mean_in[row];
  let rs = rstd_in[row];
  var sg = 0.0;
  var sgx = 0.0;
  for (var j = lid; j < p.cols; j += WG) {
    let g = dy[base + j] * gamma[j];
    sg += g;
    sgx += g * (x[base + j] - mu) * rs;
  }
  let n = f32(p.cols);
  let mg = wg_sum(lid, sg) / n;
  let mgx = wg_sum(lid, sgx) / n;
  for (var j = lid; j < p.cols; j += WG) {
    let xh = (x[base + j] - mu) * rs;
    var v = rs * (dy[base + j] * gamma[j] - mg - xh * mgx);
    if (p.acc != 0u) {
      v += dx[base + j];
    }
    dx[base + j] = v;
  }
}

// ln_forward and ln_backward_dx with one invocation per row (64 rows per workgroup), no
// barriers: for software adapters, where a barrier costs more than a short row's arithmetic.
@compute @workgroup_size(64)
fn ln_forward_serial(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_index) lid: u32) {
  let row = (wid.y * nwg.x + wid.x) * 64u + lid;
  if (row >= p.rows) {
    return;
  }
  let base = row * p.cols;
  let n = f32(p.cols);
  var s = 0.0;
  for (var j = 0u; j < p.cols; j++) {
    s += x[base + j];
  }
  let mu = s / n;
  var q = 0.0;
  for (var j = 0u; j < p.cols; j++) {
    let d = x[base + j] - mu;
    q += d * d;
  }
  let rs = inverseSqrt(q / n + p.eps);
  for (var j = 0u; j < p.cols; j++) {
    out[base + j] = (x[base + j] - mu) * rs * gamma[j] + beta[j];
  }
  mean_out[row] = mu;
  rstd_out[row] = rs;
}

@compute @workgroup_size(64)
fn ln_backward_dx_serial(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_index) lid: u32) {
  let row = (wid.y * nwg.x + wid.x) * 64u + lid;
  if (row >= p.rows) {
    return;
  }
  let base = row * p.cols;
  let mu = mean_in[row];
  let rs = rstd_in[row];
  var sg = 0.0;
  var sgx = 0.0;
  for (var j = 0u; j < p.cols; j++) {
    let g = dy[base + j] * gamma[j];
    sg += g;
    sgx += g * (x[base + j] - mu) * rs;
  }
  let n = f32(p.cols);
  let mg = sg / n;
  let mgx = sgx / n;
  for (var j = 0u; j < p.cols; j++) {
    let xh = (x[base + j] - mu) * rs;
    var v = rs * (dy[base + j] * gamma[j] - mg - xh * mgx);
    if (p.acc != 0u) {
      v += dx[base + j];
    }
    dx[base + j] = v;
  }
}

@compute @workgroup_size(64, 4)
fn ln_params_partial(@builtin(workgroup_id) wid: vec3u, @builtin(local_invocation_id) lid: vec3u) {
  let c = wid.x * 64u + lid.x;
  let r0 = wid.y * p.chunk;
  let r1 = min(r0 + p.chunk, p.rows);
  var sg = 0.0;
  var sb = 0.0;
  if (c < p.cols) {
    for (var r = r0 + lid.y; r < r1; r += 4u) {
      let d = pdy[r * p.cols + c];
      sg += d * (x[r * p.cols + c] - pmean[r]) * prstd[r];
      sb += d;
    }
  }
  let k = lid.y * 64u + lid.x;
  lane_g[k] = sg;
  lane_b[k] = sb;
  workgroupBarrier();
  if (lid.y == 0u && c < p.cols) {
    let base = wid.y * 2u * p.cols;
    part[base + c] = (lane_g[lid.x] + lane_g[64u + lid.x]) + (lane_g[128u + lid.x] + lane_g[192u + lid.x]);
    part[base + p.cols + c] = (lane_b[lid.x] + lane_b[64u + lid.x]) + (lane_b[128u + lid.x] + lane_b[192u + lid.x]);
  }
}

@compute @workgroup_size(WG)
fn ln_params_finish(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_index) lid: u32) {
  let c = (wid.y * nwg.x + wid.x) * WG + lid;
  if (c >= p.cols) {
    return;
  }
  var g = 0.0;
  var b = 0.0;
  for (var k = 0u; k < p.chunks; k++) {
    g += part_in[k * 2u * p.cols + c];
    b += part_in[k * 2u * p.cols + p.cols + c];
  }
  dgamma[c] += g;
  dbeta[c] += b;
}

// ln_params_partial without workgroup memory or barriers (software adapters): one invocation
// per (column, chunk) walks its chunk of rows in order; same grid and partial layout.
@compute @workgroup_size(64)
fn ln_params_partial_serial(@builtin(workgroup_id) wid: vec3u, @builtin(local_invocation_index) lid: u32) {
  let c = wid.x * 64u + lid;
  if (c >= p.cols) {
    return;
  }
  let r0 = wid.y * p.chunk;
  let r1 = min(r0 + p.chunk, p.rows);
  var sg = 0.0;
  var sb = 0.0;
  for (var r = r0; r < r1; r++) {
    let d = pdy[r * p.cols + c];
    sg += d * (x[r * p.cols + c] - pmean[r]) * prstd[r];
    sb += d;
  }
  let base = wid.y * 2u * p.cols;
  part[base + c] = sg;
  part[base + p.cols + c] = sb;
}
