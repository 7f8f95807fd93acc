// A Linear layer's forward in one dispatch (ops/projection.ts; docs/gpu.md "Dispatches per step"):
//   out = x · Wᵀ + bias, x [rows, k], W [n, k], bias [n],
// written either as [rows, n] or, with heads > 1, straight into the attention's head layout
// [B, heads, seq, n / heads] (rows = B·seq): the bias add and the head split ride on the product
// instead of taking a dispatch each. Two versions, picked by the tuned matmul choice of the
// product's shape class, else a rule (autotune/linearChoice.ts):
//   linear_forward: 16×16 output tiles, k staged through workgroup memory in slices of 16;
//   linear_reg4:    4×4 outputs per invocation in registers, RW×RW invocations per workgroup,
//                   no workgroup memory (software adapters, where workgroup tiling loses).
// Each output sums over k in order, then adds its bias.
const T: u32 = 16u;

// The uniform struct P is generated from the uniforms() declaration in linear.ts.

@group(0) @binding(0) var<uniform> p: P;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read> w: array<f32>;
@group(0) @binding(3) var<storage, read> bias: array<f32>;
@group(0) @binding(4) var<storage, read_write> out: array<f32>;

var<workgroup> xs: array<f32, 256>;
var<workgroup> ws: array<f32, 256>;

@compute @workgroup_size(16, 16)
fn linear_forward(@builtin(workgroup_id) wid: vec3u, @builtin(local_invocation_id) lid: vec3u) {
  let row = wid.y * T + lid.y;
  let col = wid.x * T + lid.x;
  // The column of W this invocation stages (its row of W), read along k like x.
  let wrow = wid.x * T + lid.y;
  var acc = 0.0;
  for (var t = 0u; t < p.k; t += T) {
    let kk = t + lid.x;
    var xv = 0.0;
    if (row < p.rows && kk < p.k) {
      xv = x[row * p.k + kk];
    }
    var wv = 0.0;
    if (wrow < p.n && kk < p.k) {
      wv = w[wrow * p.k + kk];
    }
    xs[lid.y * T + lid.x] = xv;
    ws[lid.y * T + lid.x] = wv;
    workgroupBarrier();
    let len = min(T, p.k - t);
    for (var i = 0u; i < len; i++) {
      acc += xs[lid.y * T + i] * ws[lid.x * T + i];
    }
    workgroupBarrier();
  }
  if (row >= p.rows || col >= p.n) {
    return;
  }
  put(row, col, acc);
}

// Output (row, col) plus its bias, in rows or in the head layout.
fn put(row: u32, col: u32, acc: f32) {
  var o = row * p.n + col;
  if (p.heads > 1u) {
    let dh = p.n / p.heads;
    let b = row / p.seq;
    o = ((b * p.heads + col / dh) * p.seq + row % p.seq) * dh + col % dh;
  }
  out[o] = acc + bias[col];
}

// The workgroup side of linear_reg4 (4, 8 or 16: matmul_reg4's sides, so a tuned side carries over).
override RW: u32 = 8u;

@compute @workgroup_size(RW, RW)
fn linear_reg4(@builtin(global_invocation_id) gid: vec3u) {
  let c0 = gid.x * 4u;
  let r0 = gid.y * 4u;
  if (r0 >= p.rows || c0 >= p.n) {
    return;
  }
  // Rows of x and of W past the edge are clamped (read valid memory) and not stored.
  let rx = vec4u(min(r0, p.rows - 1u), min(r0 + 1u, p.rows - 1u), min(r0 + 2u, p.rows - 1u), min(r0 + 3u, p.rows - 1u)) * p.k;
  let rw = vec4u(min(c0, p.n - 1u), min(c0 + 1u, p.n - 1u), min(c0 + 2u, p.n - 1u), min(c0 + 3u, p.n - 1u)) * p.k;
  var a0 = vec4f(0.0);
  var a1 = vec4f(0.0);
  var a2 = vec4f(0.0);
  var a3 = vec4f(0.0);
  for (var kk = 0u; kk < p.k; kk++) {
    let wv = vec4f(w[rw.x + kk], w[rw.y + kk], w[rw.z + kk], w[rw.w + kk]);
    a0 += x[rx.x + kk] * wv;
    a1 += x[rx.y + kk] * wv;
    a2 += x[rx.z + kk] * wv;
    a3 += x[rx.w + kk] * wv;
  }
  let acc = array<vec4f, 4>(a0, a1, a2, a3);
  for (var r = 0u; r < 4u; r++) {
    for (var c = 0u; c < 4u; c++) {
      if (r0 + r < p.rows && c0 + c < p.n) {
        put(r0 + r, c0 + c, acc[r][c]);
      }
    }
  }
}
