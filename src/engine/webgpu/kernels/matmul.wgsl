// matmul, three versions side by side (the simple one is the reference, kept forever):
//   out[b] = alpha · op(A[b]) · op(B[b]) (+ out[b] when acc), out m×n contiguous per batch.
// A is m×k (or k×m read transposed), B is k×n (or n×k read transposed); batch strides strideA /
// strideB (0 broadcasts one matrix). Element (i, kk) of op(A) is a[aBase + i·ai + kk·ak] with
// (ai, ak) = (k, 1), or (1, m) when transposed; likewise (kk, j) of op(B) with (bk, bj).
//   matmul_naive: one output per invocation, 16×16 workgroups.
//   matmul_reg4:  4×4 outputs per invocation held in registers (16 FMAs per 8 loads), RW×RW
//                 invocations per workgroup.
//   matmul_tiled: 64×64 outputs per 16×16 workgroup, k in steps of 16 through workgroup memory,
//                 4×4 outputs per invocation (for real GPUs; slower on SwiftShader).
// Batch index is workgroup_id.z (at most 65535 products per dispatch; the backend splits more).

// The uniform struct P is generated from the uniforms() declaration in matmul.ts.

@group(0) @binding(0) var<uniform> p: P;
@group(0) @binding(1) var<storage, read> a: array<f32>;
@group(0) @binding(2) var<storage, read> b: array<f32>;
@group(0) @binding(3) var<storage, read_write> out: array<f32>;

fn store(idx: u32, v: f32) {
  var r = p.alpha * v;
  if (p.acc != 0u) {
    r = r + out[idx];
  }
  out[idx] = r;
}

@compute @workgroup_size(16, 16)
fn matmul_naive(@builtin(global_invocation_id) gid: vec3u) {
  let j = gid.x;
  let i = gid.y;
  let bt = gid.z + p.batch0;
  if (i >= p.m || j >= p.n) {
    return;
  }
  var ia = bt * p.strideA + i * p.ai;
  var ib = bt * p.strideB + j * p.bj;
  var s = 0.0;
  for (var kk = 0u; kk < p.k; kk++) {
    s = fma(a[ia], b[ib], s);
    ia += p.ak;
    ib += p.bk;
  }
  store((bt * p.m + i) * p.n + j, s);
}

// RW×RW invocations per workgroup (4·RW square outputs): 16 on real GPUs; smaller on software
// adapters, where each workgroup runs on one CPU thread and a large one leaves the others idle.
override RW: u32 = 16u;

@compute @workgroup_size(RW, RW)
fn matmul_reg4(@builtin(global_invocation_id) gid: vec3u) {
  let j0 = gid.x * 4u;
  let i0 = gid.y * 4u;
  let bt = gid.z + p.batch0;
  if (i0 >= p.m || j0 >= p.n) {
    return;
  }
  // Rows and columns past the edge are clamped (read valid memory) and not stored.
  let aBase = bt * p.strideA;
  let bBase = bt * p.strideB;
  let ra = vec4u(min(i0, p.m - 1u), min(i0 + 1u, p.m - 1u), min(i0 + 2u, p.m - 1u), min(i0 + 3u, p.m - 1u)) * p.ai + aBase;
  let cb = vec4u(min(j0, p.n - 1u), min(j0 + 1u, p.n - 1u), min(j0 + 2u, p.n - 1u), min(j0 + 3u, p.n - 1u)) * p.bj + bBase;
  var c0 = vec4f(0.0);
  var c1 = vec4f(0.0);
  var c2 = vec4f(0.0);
  var c3 = vec4f(0.0);
  var ka = 0u;
  var kb = 0u;
  for (var kk = 0u; kk < p.k; kk++) {
    let bv = vec4f(b[cb.x + kb], b[cb.y + kb], b[cb.z + kb], b[cb.w + kb]);
    c0 = fma(vec4f(a[ra.x + ka]), bv, c0);
    c1 = fma(vec4f(a[ra.y + ka]), bv, c1);
    c2 = fma(vec4f(a[ra.z + ka]), bv, c2);
    c3 = fma(vec4f(a[ra.w + ka]), bv, c3);
    ka += p.ak;
    kb += p.bk;
  }
  let rows = array<vec4f, 4>(c0, c1, c2, c3);
  for (var r = 0u; r < 4u; r++) {
    let i = i0 + r;
    if (i < p.m) {
      let base = (bt * p.m + i) * p.n;
      for (var c = 0u; c < 4u; c++) {
        if (j0 + c < p.n) {
          store(base + j0 + c, rows[r][c]);
        }
      }
    }
  }
}

const TILE: u32 = 64u;
const TK: u32 = 16u;
var<workgroup> tileA: array<f32, 1024>; // [TK][TILE]: tileA[kk * 64 + i]
var<workgroup> tileB: array<f32, 1024>; // [TK][TILE]: tileB[kk * 64 + j]

@compute @workgroup_size(16, 16)
fn matmul_tiled(@builtin(workgroup_id) wid: vec3u, @builtin(local_invocation_id) lid: vec3u) {
  let bt = wid.z + p.batch0;
  let rowT = wid.y * TILE;
  let colT = wid.x * TILE;
  let t = lid.y * 16u + lid.x;
  let aBase = bt * p.strideA;
  let bBase = bt * p.strideB;
  // Which of (row, kk) varies fastest across neighbouring invocations while loading: the one
  // that is contiguous in memory, so loads coalesce.
  let aKFast = p.ak == 1u;
  let bKFast = p.bk == 1u;
  var c0 = vec4f(0.0);
  var c1 = vec4f(0.0);
  var c2 = vec4f(0.0);
  var c3 = vec4f(0.0);
  for (var k0 = 0u; k0 < p.k; k0 += TK) {
    for (var e = 0u; e < 4u; e++) {
      let idx = t + e * 256u;
      var kk: u32;
      var ii: u32;
      if (aKFast) {
        kk = idx % TK;
        ii = idx / TK;
      } else {
        kk = idx / TILE;
        ii = idx % TILE;
      }
      let gi = rowT + ii;
      let gk = k0 + kk;
      var va = 0.0;
      if (gi < p.m && gk < p.k) {
        va = a[aBase + gi * p.ai + gk * p.ak];
      }
      tileA[kk * TILE + ii] = va;
      var kb: u32;
      var jj: u32;
      if (bKFast) {
        kb = idx % TK;
        jj = idx / TK;
      } else {
        kb = idx / TILE;
        jj = idx % TILE;
      }
      let gj = colT + jj;
      let gkb = k0 + kb;
      var vb = 0.0;
      if (gj < p.n && gkb < p.k) {
        vb = b[bBase + gkb * p.bk + gj * p.bj];
      }
      tileB[kb * TILE + jj] = vb;
    }
    workgroupBarrier();
    for (var kk = 0u; kk < TK; kk++) {
      let ao = kk * TILE + lid.y * 4u;
      let bo = kk * TILE + lid.x * 4u;
      let bv = vec4f(tileB[bo], tileB[bo + 1u], tileB[bo + 2u], tileB[bo + 3u]);
      c0 = fma(vec4f(tileA[ao]), bv, c0);
      c1 = fma(vec4f(tileA[ao + 1u]), bv, c1);
      c2 = fma(vec4f(tileA[ao + 2u]), bv, c2);
      c3 = fma(vec4f(tileA[ao + 3u]), bv, c3);
    }
    workgroupBarrier();
  }
  let rows = array<vec4f, 4>(c0, c1, c2, c3);
  let i0 = rowT + lid.y * 4u;
  let j0 = colT + lid.x * 4u;
  for (var r = 0u; r < 4u; r++) {
    let i = i0 + r;
    if (i < p.m) {
      let base = (bt * p.m + i) * p.n;
      for (var c = 0u; c < 4u; c++) {
        if (j0 + c < p.n) {
          store(base + j0 + c, rows[r][c]);
        }
      }
    }
  }
}
