// The pseudo-inverse iteration's shifted products (ops/pinvIteration.ts) in one dispatch each:
//   out[b] = shift·I + alpha · A[b] · B[b]   for square m×m matrices, contiguous, batched.
// 4×4 outputs per invocation held in registers, each a fma chain over k in ascending order, as
// matmul_reg4 sums them, so the product part agrees with it to the bit; the shift is added
// after the scaling, as a product accumulated onto shift·I would. Batch index is
// workgroup_id.z + batch0 (the backend slices past the per-dimension limit).
override RW: u32 = 16u;

// The uniform struct P is generated from the uniforms() declaration in shiftedProduct.ts.

@group(0) @binding(0) var<uniform> p: P;
@group(0) @binding(1) var<storage, read> a: array<f32>;
@group(0) @binding(2) var<storage, read> b: array<f32>;
@group(0) @binding(3) var<storage, read_write> out: array<f32>;

@compute @workgroup_size(RW, RW)
fn shifted_product(@builtin(global_invocation_id) gid: vec3u) {
  let m = p.m;
  let j0 = gid.x * 4u;
  let i0 = gid.y * 4u;
  let bt = gid.z + p.batch0;
  if (i0 >= m || j0 >= m) {
    return;
  }
  let base = bt * m * m;
  // Rows and columns past the edge are clamped (read valid memory) and not stored.
  let ra = vec4u(min(i0, m - 1u), min(i0 + 1u, m - 1u), min(i0 + 2u, m - 1u), min(i0 + 3u, m - 1u)) * m + base;
  let cb = vec4u(min(j0, m - 1u), min(j0 + 1u, m - 1u), min(j0 + 2u, m - 1u), min(j0 + 3u, m - 1u)) + base;
  var c0 = vec4f(0.0);
  var c1 = vec4f(0.0);
  var c2 = vec4f(0.0);
  var c3 = vec4f(0.0);
  for (var kk = 0u; kk < m; kk++) {
    let kb = kk * m;
    let bv = vec4f(b[cb.x + kb], b[cb.y + kb], b[cb.z + kb], b[cb.w + kb]);
    c0 = fma(vec4f(a[ra.x + kk]), bv, c0);
    c1 = fma(vec4f(a[ra.y + kk]), bv, c1);
    c2 = fma(vec4f(a[ra.z + kk]), bv, c2);
    c3 = fma(vec4f(a[ra.w + kk]), bv, c3);
  }
  let rows = array<vec4f, 4>(c0, c1, c2, c3);
  for (var r = 0u; r < 4u; r++) {
    let i = i0 + r;
    if (i < m) {
      for (var c = 0u; c < 4u; c++) {
        let j = j0 + c;
        if (j < m) {
          out[base + i * m + j] = p.alpha * rows[r][c] + select(0.0, p.shift, i == j);
        }
      }
    }
  }
}
