// copyStrided: for every index (i0,i1,i2,i3) of a 4-D shape,
//   dst[doff + Σ i_d·dstStride_d] (+)= alpha · src[soff + Σ i_d·srcStride_d].
// Buffers are read as raw 32-bit words: with FLOAT_MATH off (alpha = 1, no accumulate) the copy
// is bit-exact and serves i32 buffers too; with it on the words are f32.
override WG: u32 = 256u;
override FLOAT_MATH: bool = true;

// The uniform struct P is generated from the uniforms() declaration in copy.ts.

@group(0) @binding(0) var<uniform> p: P;
@group(0) @binding(1) var<storage, read> src: array<u32>;
@group(0) @binding(2) var<storage, read_write> dst: array<u32>;

@compute @workgroup_size(WG)
fn copy_strided(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_index) lid: u32) {
  let i = (wid.y * nwg.x + wid.x) * WG + lid;
  if (i >= p.total) {
    return;
  }
  let i3 = i % p.s3;
  var r = i / p.s3;
  let i2 = r % p.s2;
  r = r / p.s2;
  let i1 = r % p.s1;
  let i0 = r / p.s1;
  let si = p.soff + i0 * p.a0 + i1 * p.a1 + i2 * p.a2 + i3 * p.a3;
  let di = p.doff + i0 * p.d0 + i1 * p.d1 + i2 * p.d2 + i3 * p.d3;
  if (FLOAT_MATH) {
    var v = p.alpha * bitcast<f32>(src[si]);
    if (p.acc != 0u) {
      v = v + bitcast<f32>(dst[di]);
    }
    dst[di] = bitcast<u32>(v);
  } else {
    dst[di] = src[si];
  }
}
