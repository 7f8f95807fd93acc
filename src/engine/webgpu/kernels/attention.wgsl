// Fused attention (FlashAttention-2 style, Dao 2023), the same maths as the CPU reference
// (src/engine/cpu/attention.ts): for each of `batch` problems, out = softmax(scale·Q Kᵀ + bias) V.
// One invocation per (row, problem, chunk of CH columns). The forward walks the keys in tiles
// of KT with a running maximum and sum (online softmax) and writes only out and each row's
// log-sum-exp; nothing of size nq × nk is ever stored. The backward recomputes the
// probabilities from the log-sum-exp: P = exp(s − lse), D = rowsum(dO ∘ O),
// dS = scale·P ∘ (dO Vᵀ − D); attention_dq: dQ = dS K (per query row), attention_dk:
// dK = dSᵀ Q and attention_dv: dV = Pᵀ dO (per key row), so no invocation writes another's
// output (no atomics).
// Correctness first: operands are read from global memory (the caches serve the rows that
// every invocation of a workgroup shares); no workgroup tiling yet.
const CH: u32 = 32u;
const KT: u32 = 32u;
const LOWEST: f32 = -3.4e38;

// The uniform struct P is generated from the uniforms() declaration in attention.ts.

@group(0) @binding(0) var<uniform> p: P;
@group(0) @binding(1) var<storage, read> q: array<f32>;
@group(0) @binding(2) var<storage, read> k: array<f32>;
@group(0) @binding(3) var<storage, read> v: array<f32>;
// The key bias [batch / heads, nk]; when p.has_bias is 0 any buffer is bound and never read.
@group(0) @binding(4) var<storage, read> bias: array<f32>;
// forward
@group(0) @binding(5) var<storage, read_write> out: array<f32>;
@group(0) @binding(6) var<storage, read_write> lse: array<f32>;
// backward: the saved output and lse, the output's gradient, then one of dq, dk, dv
// (three kernels: WebGPU's default limit is 8 storage buffers per stage)
@group(0) @binding(5) var<storage, read> o: array<f32>;
@group(0) @binding(6) var<storage, read> lse_saved: array<f32>;
@group(0) @binding(7) var<storage, read> dout: array<f32>;
@group(0) @binding(8) var<storage, read_write> dq: array<f32>;
@group(0) @binding(8) var<storage, read_write> dk: array<f32>;
@group(0) @binding(8) var<storage, read_write> dv: array<f32>;

// scale·q_i·k_j + bias_j of problem b.
fn score(b: u32, i: u32, j: u32) -> f32 {
  let qo = (b * p.nq + i) * p.dk;
  let ko = (b * p.nk + j) * p.dk;
  var s = 0.0;
  for (var c = 0u; c < p.dk; c++) {
    s = fma(q[qo + c], k[ko + c], s);
  }
  s *= p.scale;
  if (p.has_bias != 0u) {
    s += bias[(b / p.heads) * p.nk + j];
  }
  return s;
}

@compute @workgroup_size(64)
fn attention_forward(@builtin(global_invocation_id) gid: vec3u) {
  let i = gid.x;
  let b = gid.y;
  let c0 = gid.z * CH;
  if (i >= p.nq || b >= p.batch || c0 >= p.dv) {
    return;
  }
  let cw = min(CH, p.dv - c0);
  var acc: array<f32, CH>;
  var s: array<f32, KT>;
  var m = LOWEST;
  var l = 0.0;
  for (var j0 = 0u; j0 < p.nk; j0 += KT) {
    let w = min(KT, p.nk - j0);
    var tile_max = LOWEST;
    for (var t = 0u; t < w; t++) {
      s[t] = score(b, i, j0 + t);
      tile_max = max(tile_max, s[t]);
    }
    let m_new = max(m, tile_max);
    let correction = exp(m - m_new); // 0 on the first tile
    l *= correction;
    for (var c = 0u; c < cw; c++) {
      acc[c] *= correction;
    }
    for (var t = 0u; t < w; t++) {
      let e = exp(s[t] - m_new);
      l += e;
      let vo = (b * p.nk + j0 + t) * p.dv + c0;
      for (var c = 0u; c < cw; c++) {
        acc[c] = fma(e, v[vo + c], acc[c]);
      }
    }
    m = m_new;
  }
  let oo = (b * p.nq + i) * p.dv + c0;
  let inv = 1.0 / l;
  for (var c = 0u; c < cw; c++) {
    out[oo + c] = acc[c] * inv;
  }
  if (gid.z == 0u) {
    lse[b * p.nq + i] = m + log(l);
  }
}

// D_i = dO_i · O_i.
fn row_dot(b: u32, i: u32) -> f32 {
  let ro = (b * p.nq + i) * p.dv;
  var d = 0.0;
  for (var c = 0u; c < p.dv; c++) {
    d = fma(dout[ro + c], o[ro + c], d);
  }
  return d;
}

// dO_i · V_j.
fn dout_dot_v(b: u32, i: u32, j: u32) -> f32 {
  let ro = (b * p.nq + i) * p.dv;
  let vo = (b * p.nk + j) * p.dv;
  var d = 0.0;
  for (var c = 0u; c < p.dv; c++) {
    d = fma(dout[ro + c], v[vo + c], d);
  }
  return d;
}

@compute @workgroup_size(64)
fn attention_dq(@builtin(global_invocation_id) gid: vec3u) {
  let i = gid.x;
  let b = gid.y;
  let c0 = gid.z * CH;
  if (i >= p.nq || b >= p.batch || c0 >= p.dk) {
    return;
  }
  let cw = min(CH, p.dk - c0);
  let row_lse = lse_saved[b * p.nq + i];
  let d = row_dot(b, i);
  var acc: array<f32, CH>;
  for (var j = 0u; j < p.nk; j++) {
    let pij = exp(score(b, i, j) - row_lse);
    let ds = p.scale * pij * (dout_dot_v(b, i, j) - d);
    let ko = (b * p.nk + j) * p.dk + c0;
    for (var c = 0u; c < cw; c++) {
      acc[c] = fma(ds, k[ko + c], acc[c]);
    }
  }
  let qo = (b * p.nq + i) * p.dk + c0;
  for (var c = 0u; c < cw; c++) {
    dq[qo + c] = acc[c];
  }
}

// dK = scale·dSᵀ Q, one invocation per (key row, problem, chunk of dk).
@compute @workgroup_size(64)
fn attention_dk(@builtin(global_invocation_id) gid: vec3u) {
  let j = gid.x;
  let b = gid.y;
  let c0 = gid.z * CH;
  if (j >= p.nk || b >= p.batch || c0 >= p.dk) {
    return;
  }
  let cw = min(CH, p.dk - c0);
  var acc: array<f32, CH>;
  for (var i = 0u; i < p.nq; i++) {
    let pij = exp(score(b, i, j) - lse_saved[b * p.nq + i]);
    let ds = p.scale * pij * (dout_dot_v(b, i, j) - row_dot(b, i));
    let qo = (b * p.nq + i) * p.dk + c0;
    for (var c = 0u; c < cw; c++) {
      acc[c] = fma(ds, q[qo + c], acc[c]);
    }
  }
  let ko = (b * p.nk + j) * p.dk + c0;
  for (var c = 0u; c < cw; c++) {
    dk[ko + c] = acc[c];
  }
}

// dV = Pᵀ dO, one invocation per (key row, problem, chunk of dv).
@compute @workgroup_size(64)
fn attention_dv(@builtin(global_invocation_id) gid: vec3u) {
  let j = gid.x;
  let b = gid.y;
  let c0 = gid.z * CH;
  if (j >= p.nk || b >= p.batch || c0 >= p.dv) {
    return;
  }
  let cw = min(CH, p.dv - c0);
  var acc: array<f32, CH>;
  for (var i = 0u; i < p.nq; i++) {
    let pij = exp(score(b, i, j) - lse_saved[b * p.nq + i]);
    let ro = (b * p.nq + i) * p.dv + c0;
    for (var c = 0u; c < cw; c++) {
      acc[c] = fma(pij, dout[ro + c], acc[c]);
    }
  }
  let vo = (b * p.nk + j) * p.dv + c0;
  for (var c = 0u; c < cw; c++) {
    dv[vo + c] = acc[c];
  }
}
