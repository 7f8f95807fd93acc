// Fused log-softmax + negative log-likelihood, one workgroup per row (workgroupReduce.wgsl is
// prepended): loss[r] = log Σ exp(x − max) + max − x[label]; with `ce_grad` also
// dlogits = (softmax − onehot) · gradScale. A label outside [0, classes) gives a NaN loss (and
// NaN gradients), which checkFinite reports.
override WG: u32 = 256u;

// The uniform struct P is generated from the uniforms() declaration in softmax.ts.

@group(0) @binding(0) var<uniform> p: P;
@group(0) @binding(1) var<storage, read> logits: array<f32>;
@group(0) @binding(2) var<storage, read> labels: array<i32>;
@group(0) @binding(3) var<storage, read_write> loss: array<f32>;
@group(0) @binding(4) var<storage, read_write> dlogits: array<f32>;

struct RowStats { mx: f32, lse: f32, label: i32, valid: bool }

fn row_stats(row: u32, lid: u32) -> RowStats {
  let base = row * p.classes;
  var mx = neg_inf();
  for (var j = lid; j < p.classes; j += WG) {
    mx = max(mx, logits[base + j]);
  }
  mx = wg_max(lid, mx);
  var s = 0.0;
  for (var j = lid; j < p.classes; j += WG) {
    s += exp(logits[base + j] - mx);
  }
  s = wg_sum(lid, s);
  let label = labels[row];
  let valid = label >= 0 && u32(label) < p.classes;
  return RowStats(mx, log(s) + mx, label, valid);
}

fn write_loss(row: u32, st: RowStats) {
  if (st.valid) {
    loss[row] = st.lse - logits[row * p.classes + u32(st.label)];
  } else {
    loss[row] = nan_f32();
  }
}

@compute @workgroup_size(WG)
fn ce_loss(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_index) lid: u32) {
  let row = wid.y * nwg.x + wid.x;
  if (row >= p.rows) {
    return;
  }
  let st = row_stats(row, lid);
  if (lid == 0u) {
    write_loss(row, st);
  }
}

@compute @workgroup_size(WG)
fn ce_grad(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_index) lid: u32) {
  let row = wid.y * nwg.x + wid.x;
  if (row >= p.rows) {
    return;
  }
  let st = row_stats(row, lid);
  if (lid == 0u) {
    write_loss(row, st);
  }
  let base = row * p.classes;
  let nan = nan_f32();
  for (var j = lid; j < p.classes; j += WG) {
    let sm = exp(logits[base + j] - st.lse);
    let onehot = select(0.0, 1.0, st.valid && i32(j) == st.label);
    dlogits[base + j] = select(nan, (sm - onehot) * p.gradScale, st.valid);
  }
}
