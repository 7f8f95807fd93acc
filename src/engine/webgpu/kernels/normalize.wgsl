// Row L2 normalisation over the last axis (F.normalize's reading in ops/normalize.ts) and its
// backward, one invocation per row (rows are short: a head's d_h):
//   l2n_forward:  norm[r] = sqrt(Σ x² + eps²), out = x / norm.
//   l2n_backward: dx (+)= (dy − y·Σ dy·y) / norm, from the saved output y and norm.
// The sums run in column order, as the composed ops' row reduction does.
override WG: u32 = 64u;

// The uniform struct P is generated from the uniforms() declaration in normalize.ts.

@group(0) @binding(0) var<uniform> p: P;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read_write> out: array<f32>;
@group(0) @binding(3) var<storage, read_write> norm_out: array<f32>;
// backward: y, norm, dy, dx
@group(0) @binding(1) var<storage, read> y: array<f32>;
@group(0) @binding(2) var<storage, read> norm_in: array<f32>;
@group(0) @binding(3) var<storage, read> dy: array<f32>;
@group(0) @binding(4) var<storage, read_write> dx: array<f32>;

fn row_of(wid: vec3u, nwg: vec3u, lid: u32) -> u32 {
  return (wid.y * nwg.x + wid.x) * WG + lid;
}

@compute @workgroup_size(WG)
fn l2n_forward(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_index) lid: u32) {
  let r = row_of(wid, nwg, lid);
  if (r >= p.rows) {
    return;
  }
  let base = r * p.cols;
  var s = 0.0;
  for (var c = 0u; c < p.cols; c++) {
    let v = x[base + c];
    s += v * v;
  }
  let n = sqrt(s + p.eps2);
  norm_out[r] = n;
  for (var c = 0u; c < p.cols; c++) {
    out[base + c] = x[base + c] / n;
  }
}

@compute @workgroup_size(WG)
fn l2n_backward(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_index) lid: u32) {
  let r = row_of(wid, nwg, lid);
  if (r >= p.rows) {
    return;
  }
  let base = r * p.cols;
  var dot = 0.0;
  for (var c = 0u; c < p.cols; c++) {
    dot += dy[base + c] * y[base + c];
  }
  let n = norm_in[r];
  for (var c = 0u; c < p.cols; c++) {
    let g = (dy[base + c] - y[base + c] * dot) / n;
    dx[base + c] = select(g, dx[base + c] + g, p.acc != 0u);
  }
}
