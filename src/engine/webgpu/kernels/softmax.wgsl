// Row softmax and its backward, one workgroup per row (workgroupReduce.wgsl is prepended).
//   softmax:          out = exp(x − max) / Σ exp(x − max)
//   softmax_backward: dx (+)= y ⊙ (dy − Σ_j dy_j y_j)
override WG: u32 = 256u;

// The uniform struct P is generated from the uniforms() declaration in softmax.ts.

@group(0) @binding(0) var<uniform> p: P;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read_write> out: array<f32>;
@group(0) @binding(1) var<storage, read> y: array<f32>;
@group(0) @binding(2) var<storage, read> dy: array<f32>;
@group(0) @binding(3) var<storage, read_write> dx: array<f32>;

@compute @workgroup_size(WG)
fn softmax(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_index) lid: u32) {
  let row = wid.y * nwg.x + wid.x;
  if (row >= p.rows) {
    return;
  }
  let base = row * p.cols;
  var mx = neg_inf();
  for (var j = lid; j < p.cols; j += WG) {
    mx = max(mx, x[base + j]);
  }
  mx = wg_max(lid, mx);
  var s = 0.0;
  for (var j = lid; j < p.cols; j += WG) {
    s += exp(x[base + j] - mx);
  }
  s = wg_sum(lid, s);
  let inv = 1.0 / s;
  for (var j = lid; j < p.cols; j += WG) {
    out[base + j] = exp(x[base + j] - mx) * inv;
  }
}

@compute @workgroup_size(WG)
fn softmax_backward(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_index) lid: u32) {
  let row = wid.y * nwg.x + wid.x;
  if (row >= p.rows) {
    return;
  }
  let base = row * p.cols;
  var d = 0.0;
  for (var j = lid; j < p.cols; j += WG) {
    d += dy[base + j] * y[base + j];
  }
  d = wg_sum(lid, d);
  for (var j = lid; j < p.cols; j += WG) {
    var v = y[base + j] * (dy[base + j] - d);
    if (p.acc != 0u) {
      v += dx[base + j];
    }
    dx[base + j] = v;
  }
}

// The same two kernels with one invocation per row (64 rows per workgroup), no workgroup memory
// and no barriers: for software adapters, where a barrier costs more than a short row's
// arithmetic. Sums run in column order.
@compute @workgroup_size(64)
fn softmax_serial(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_index) lid: u32) {
  let row = (wid.y * nwg.x + wid.x) * 64u + lid;
  if (row >= p.rows) {
    return;
  }
  let base = row * p.cols;
  var mx = neg_inf();
  for (var j = 0u; j < p.cols; j++) {
    mx = max(mx, x[base + j]);
  }
  var s = 0.0;
  for (var j = 0u; j < p.cols; j++) {
    s += exp(x[base + j] - mx);
  }
  let inv = 1.0 / s;
  for (var j = 0u; j < p.cols; j++) {
    out[base + j] = exp(x[base + j] - mx) * inv;
  }
}

@compute @workgroup_size(64)
fn softmax_backward_serial(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_index) lid: u32) {
  let row = (wid.y * nwg.x + wid.x) * 64u + lid;
  if (row >= p.rows) {
    return;
  }
  let base = row * p.cols;
  var d = 0.0;
  for (var j = 0u; j < p.cols; j++) {
    d += dy[base + j] * y[base + j];
  }
  for (var j = 0u; j < p.cols; j++) {
    var v = y[base + j] * (dy[base + j] - d);
    if (p.acc != 0u) {
      v += dx[base + j];
    }
    dx[base + j] = v;
  }
}
