// reduce: x viewed as [outer, len, inner]; out[o, i] (+)= alpha · reduce_l x[o, l, i].
// OP: 0 sum, 1 max, 2 sumsq, 3 maxabs.
// `reduce_lanes`: one invocation per output, looping over len (coalesced when inner is large).
// `reduce_rows`: one workgroup per output when inner = 1, a tree reduction over the row.
// `reduce_partial`: the first of two stages for few outputs over a long strided axis (a bias
//   gradient: [1, B·n, d] → [d]): workgroups of 64 columns × 4 row lanes (coalesced reads) each
//   reduce one chunk of `chunk` rows into partial[o, c, i]; `reduce_lanes` then combines the
//   chunks in order. Deterministic, no atomics, and enough workgroups to fill a real GPU.
// `reduce_max_backward`: one invocation per output (o, i), torch.amax semantics: the elements
//   equal to the max share dy evenly, dx[o, l, i] (+)= x == y ? dy / ties : 0.
override WG: u32 = 256u;
override OP: u32 = 0u;

// The uniform struct P is generated from the uniforms() declaration in reduce.ts.

@group(0) @binding(0) var<uniform> p: P;
@group(0) @binding(1) var<storage, read> x: array<f32>;
@group(0) @binding(2) var<storage, read_write> out: array<f32>;

// reduce_max_backward: x, y, dy, dx
@group(0) @binding(2) var<storage, read> ry: array<f32>;
@group(0) @binding(3) var<storage, read> rdy: array<f32>;
@group(0) @binding(4) var<storage, read_write> rdx: array<f32>;

var<workgroup> red: array<f32, WG>;

fn identity() -> f32 {
  // max starts from −∞ (the lowest f32, so an all −∞ row stays −∞); maxabs from 0.
  if (OP == 1u) {
    return neg_inf();
  }
  return 0.0;
}

fn lift(v: f32) -> f32 {
  switch OP {
    case 2u: { return v * v; }
    case 3u: { return abs(v); }
    default: { return v; }
  }
}

fn is_nan(v: f32) -> bool {
  // A bit test: comparisons with NaN may be folded away by shader compilers.
  return (bitcast<u32>(v) & 0x7fffffffu) > 0x7f800000u;
}

fn combine(a: f32, b: f32) -> f32 {
  if (OP == 1u || OP == 3u) {
    // WGSL's max may drop a NaN; the CPU reference (and PyTorch) propagate it.
    if (is_nan(a)) {
      return a;
    }
    if (is_nan(b)) {
      return b;
    }
    return max(a, b);
  }
  return a + b;
}

fn finish(idx: u32, r: f32) {
  var v = p.alpha * r;
  if (p.acc != 0u) {
    v = v + out[idx];
  }
  out[idx] = v;
}

@compute @workgroup_size(WG)
fn reduce_lanes(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_index) lid: u32) {
  let idx = (wid.y * nwg.x + wid.x) * WG + lid;
  if (idx >= p.outer * p.inner) {
    return;
  }
  let o = idx / p.inner;
  let i = idx % p.inner;
  var r = identity();
  var base = o * p.len * p.inner + i;
  for (var l = 0u; l < p.len; l++) {
    r = combine(r, lift(x[base]));
    base += p.inner;
  }
  finish(idx, r);
}

// tree(lid, v), the reduction across the workgroup, is prepended: reduceTreeBarrier.wgsl (the
// barrier tree of reduceTree.wgsl), or reduceTreeSubgroup.wgsl where the adapter has subgroups
// (reduce.ts chooses).

var<workgroup> lanes: array<f32, 256>;

@compute @workgroup_size(64, 4)
fn reduce_partial(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_id) lid: vec3u) {
  let i = wid.x * 64u + lid.x;
  let o = wid.z;
  let c = wid.y;
  let l0 = c * p.chunk;
  let l1 = min(l0 + p.chunk, p.len);
  var r = identity();
  if (i < p.inner) {
    for (var l = l0 + lid.y; l < l1; l += 4u) {
      r = combine(r, lift(x[(o * p.len + l) * p.inner + i]));
    }
  }
  lanes[lid.y * 64u + lid.x] = r;
  workgroupBarrier();
  if (lid.y == 0u && i < p.inner) {
    let t = combine(combine(lanes[lid.x], lanes[64u + lid.x]), combine(lanes[128u + lid.x], lanes[192u + lid.x]));
    out[(o * nwg.y + c) * p.inner + i] = t;
  }
}

@compute @workgroup_size(WG)
fn reduce_rows(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_index) lid: u32) {
  let o = wid.y * nwg.x + wid.x;
  if (o >= p.outer) {
    return;
  }
  var r = identity();
  let base = o * p.len;
  for (var l = lid; l < p.len; l += WG) {
    r = combine(r, lift(x[base + l]));
  }
  let t = tree(lid, r);
  if (lid == 0u) {
    finish(o, t);
  }
}

@compute @workgroup_size(WG)
fn reduce_max_backward(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_index) lid: u32) {
  let idx = (wid.y * nwg.x + wid.x) * WG + lid;
  if (idx >= p.outer * p.inner) {
    return;
  }
  let o = idx / p.inner;
  let i = idx % p.inner;
  let m = ry[idx];
  let base = o * p.len * p.inner + i;
  var ties = 0u;
  for (var l = 0u; l < p.len; l++) {
    if (x[base + l * p.inner] == m) {
      ties++;
    }
  }
  let share = select(0.0, rdy[idx] / f32(ties), ties > 0u);
  for (var l = 0u; l < p.len; l++) {
    let j = base + l * p.inner;
    var d = select(0.0, share, x[j] == m);
    if (p.acc != 0u) {
      d += rdx[j];
    }
    rdx[j] = d;
  }
}

// reduce_partial without workgroup memory or barriers (software adapters): one invocation per
// (column i, chunk c) walks its chunk of rows in order; same grid and partial layout.
@compute @workgroup_size(64)
fn reduce_partial_serial(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_index) lid: u32) {
  let i = wid.x * 64u + lid;
  let o = wid.z;
  let c = wid.y;
  if (i >= p.inner) {
    return;
  }
  let l0 = c * p.chunk;
  let l1 = min(l0 + p.chunk, p.len);
  var r = identity();
  for (var l = l0; l < l1; l++) {
    r = combine(r, lift(x[(o * p.len + l) * p.inner + i]));
  }
  out[(o * nwg.y + c) * p.inner + i] = r;
}
