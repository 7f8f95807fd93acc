// The start-up peak probe (docs/kernels.md "Share of peak"): two kernels that do nothing but
// what they measure, so the adapter's best fp32 FMA rate and copy bandwidth can be told apart.
//   fma_peak:  every invocation runs `iters` rounds of 8 independent vec4 chains x = fma(x, s, t)
//              (8 · 4 · 2 = 64 flops a round; independent chains keep the FMA units busy rather
//              than waiting on one result), then writes their sum so nothing is optimised away.
//              With s = t = 0.5 every chain converges to exactly 1, which the CPU checks.
//   copy_peak: dst[i] = src[i], one vec4 per invocation (16 bytes read, 16 written).
override WG: u32 = 256u;

// The uniform struct P is generated from the uniforms() declaration in peak.ts.

@group(0) @binding(0) var<uniform> p: P;
@group(0) @binding(1) var<storage, read_write> sums: array<vec4f>;
@group(0) @binding(1) var<storage, read> src: array<vec4f>;
@group(0) @binding(2) var<storage, read_write> dst: array<vec4f>;

@compute @workgroup_size(WG)
fn fma_peak(@builtin(global_invocation_id) gid: vec3u) {
  let i = gid.x;
  let s = vec4f(p.s);
  let t = vec4f(p.t);
  let base = vec4f(f32(i % 64u), f32((i + 1u) % 64u), f32((i + 2u) % 64u), f32((i + 3u) % 64u));
  var x0 = base;
  var x1 = base + 1.0;
  var x2 = base + 2.0;
  var x3 = base + 3.0;
  var x4 = base + 4.0;
  var x5 = base + 5.0;
  var x6 = base + 6.0;
  var x7 = base + 7.0;
  for (var r = 0u; r < p.iters; r++) {
    x0 = fma(x0, s, t);
    x1 = fma(x1, s, t);
    x2 = fma(x2, s, t);
    x3 = fma(x3, s, t);
    x4 = fma(x4, s, t);
    x5 = fma(x5, s, t);
    x6 = fma(x6, s, t);
    x7 = fma(x7, s, t);
  }
  if (i < p.n) {
    sums[i] = ((x0 + x1) + (x2 + x3)) + ((x4 + x5) + (x6 + x7));
  }
}

@compute @workgroup_size(WG)
fn copy_peak(@builtin(global_invocation_id) gid: vec3u, @builtin(num_workgroups) nwg: vec3u) {
  let i = gid.y * nwg.x * WG + gid.x;
  if (i < p.n) {
    dst[i] = src[i];
  }
}
