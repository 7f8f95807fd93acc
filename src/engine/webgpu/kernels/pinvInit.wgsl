// The Newton–Schulz initialisation Z0 = Aᵀ / s per square m×m matrix, s = max_j Σ_i |A_ij| (+ dropped),
// and its backward, one workgroup per matrix (ops/pinvInit.ts; docs/gpu.md "Dispatches per step").
// The composed ops take 8 dispatches forward and about 11 backward; these take one each.
//   pinv_init(_dropped): aux[b] = [c_0 … c_{m−1}, max_j c_j, s]; z[b][j, i] = A[b][i, j] / s.
//     The column sums run over i in order, as the composed column reduction does.
//   pinv_init_backward: ds = −Σ G·Z0 / s (workgroup tree sum), shared evenly between the columns
//     whose sum is the maximum (torch.amax); dA_ij (+)= G_ji / s + [c_j = max] ds/ties · sign(A_ij),
//     with sign(x) = x / (|x| + 1e-30) as ops/unary.ts's abs.
override WG: u32 = 64u;

// The uniform struct P is generated from the uniforms() declaration in pinvInit.ts.

@group(0) @binding(0) var<uniform> p: P;
@group(0) @binding(1) var<storage, read> a: array<f32>;
@group(0) @binding(2) var<storage, read_write> z: array<f32>;
@group(0) @binding(3) var<storage, read_write> aux: array<f32>;
@group(0) @binding(4) var<storage, read> dropped: array<f32>;
// backward: a, z, aux, g, da
@group(0) @binding(2) var<storage, read> zs: array<f32>;
@group(0) @binding(3) var<storage, read> auxs: array<f32>;
@group(0) @binding(4) var<storage, read> g: array<f32>;
@group(0) @binding(5) var<storage, read_write> da: array<f32>;

var<workgroup> red: array<f32, WG>;

fn matrix_of(wid: vec3u, nwg: vec3u) -> u32 {
  return wid.y * nwg.x + wid.x;
}

// The workgroup's values of red combined (max when take_max, else sum); every invocation gets it.
fn combine(lid: u32, take_max: bool) -> f32 {
  workgroupBarrier();
  for (var s = WG / 2u; s > 0u; s >>= 1u) {
    if (lid < s) {
      red[lid] = select(red[lid] + red[lid + s], max(red[lid], red[lid + s]), take_max);
    }
    workgroupBarrier();
  }
  let v = red[0];
  workgroupBarrier();
  return v;
}

fn forward(b: u32, lid: u32, extra: f32) {
  let m = p.m;
  let base = b * m * m;
  let ab = b * (m + 2u);
  var best = 0.0;
  for (var j = lid; j < m; j += WG) {
    var s = 0.0;
    for (var i = 0u; i < m; i++) {
      s += abs(a[base + i * m + j]);
    }
    aux[ab + j] = s;
    best = max(best, s);
  }
  red[lid] = best;
  let mx = combine(lid, true);
  let den = mx + extra;
  if (lid == 0u) {
    aux[ab + m] = mx;
    aux[ab + m + 1u] = den;
  }
  for (var e = lid; e < m * m; e += WG) {
    let j = e / m;
    let i = e % m;
    z[base + e] = a[base + i * m + j] / den;
  }
}

@compute @workgroup_size(WG)
fn pinv_init(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_index) lid: u32) {
  let b = matrix_of(wid, nwg);
  if (b >= p.batch) {
    return;
  }
  forward(b, lid, 0.0);
}

@compute @workgroup_size(WG)
fn pinv_init_dropped(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_index) lid: u32) {
  let b = matrix_of(wid, nwg);
  if (b >= p.batch) {
    return;
  }
  forward(b, lid, dropped[b]);
}

@compute @workgroup_size(WG)
fn pinv_init_backward(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_index) lid: u32) {
  let b = matrix_of(wid, nwg);
  if (b >= p.batch) {
    return;
  }
  let m = p.m;
  let base = b * m * m;
  let ab = b * (m + 2u);
  let mx = auxs[ab + m];
  let den = auxs[ab + m + 1u];
  var part = 0.0;
  for (var e = lid; e < m * m; e += WG) {
    part += g[base + e] * zs[base + e] / den;
  }
  red[lid] = part;
  let ds = -combine(lid, false);
  var ties = 0.0;
  for (var j = lid; j < m; j += WG) {
    ties += select(0.0, 1.0, auxs[ab + j] == mx);
  }
  red[lid] = ties;
  let share = ds / combine(lid, false);
  for (var e = lid; e < m * m; e += WG) {
    let i = e / m;
    let j = e % m;
    let x = a[base + e];
    var v = g[base + j * m + i] / den;
    if (auxs[ab + j] == mx) {
      v += share * (x / (abs(x) + 1e-30));
    }
    da[base + e] = select(v, da[base + e] + v, p.acc != 0u);
  }
}
