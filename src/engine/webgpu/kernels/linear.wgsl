// A Linear layer's forward in one dispatch (ops/projection.ts; docs/gpu.md "Dispatches per step"):
//   out = x · Wᵀ + bias, x [rows, k], W [n, k], bias [n],
// written either as [rows, n] or, with heads > 1, straight into the attention's head layout
// [B, heads, seq, n / heads] (rows = B·seq): the bias add and the head split ride on the product
// instead of taking a dispatch each. 16×16 output tiles, the inner dimension staged through
// workgroup memory in slices of 16; each output sums over k in order, then adds its bias.
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
  var o = row * p.n + col;
  if (p.heads > 1u) {
    let dh = p.n / p.heads;
    let b = row / p.seq;
    o = ((b * p.heads + col / dh) * p.seq + row % p.seq) * dh + col % dh;
  }
  out[o] = acc + bias[col];
}
