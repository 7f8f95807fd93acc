// Embedding lookup and its backward.
//   gather:      out[i, c] = table[ids[i], c]; an id outside [0, vocab) gives NaN (checkFinite sees it).
//   scatter_add: dtable[ids[i], c] += dy[i, c], deterministic and without float atomics: the
//                invocation for (column c, part q) owns the table rows v with v % parts = q and
//                scans every id in order, so each sum is taken in the same order as on the CPU.
//                Out-of-range ids are skipped.
//   scatter_add_chunks: the first of two stages when the vocabulary is small: the invocation
//                for (chunk q, column c) adds the chunk's rows into its own zeroed table slice
//                part[q, ids[i], c] in order; the backend's reduce then adds the slices in order
//                into dtable. Same sums, `chunks` times more parallel, still deterministic.
override WG: u32 = 256u;

// The uniform struct P is generated from the uniforms() declaration in embedding.ts.

@group(0) @binding(0) var<uniform> p: P;
@group(0) @binding(1) var<storage, read> table: array<f32>;
@group(0) @binding(2) var<storage, read> ids: array<i32>;
@group(0) @binding(3) var<storage, read_write> out: array<f32>;
// scatter_add
@group(0) @binding(1) var<storage, read> sids: array<i32>;
@group(0) @binding(2) var<storage, read> dy: array<f32>;
@group(0) @binding(3) var<storage, read_write> dtable: array<f32>;

@compute @workgroup_size(WG)
fn gather(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_index) lid: u32) {
  let i = (wid.y * nwg.x + wid.x) * WG + lid;
  if (i >= p.count * p.dim) {
    return;
  }
  let r = i / p.dim;
  let c = i % p.dim;
  let id = ids[r];
  if (id >= 0 && u32(id) < p.vocab) {
    out[i] = table[u32(id) * p.dim + c];
  } else {
    out[i] = nan_f32();
  }
}

@compute @workgroup_size(WG)
fn scatter_add(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_index) lid: u32) {
  let t = (wid.y * nwg.x + wid.x) * WG + lid;
  if (t >= p.parts * p.dim) {
    return;
  }
  let c = t % p.dim;
  let q = t / p.dim;
  for (var i = 0u; i < p.count; i++) {
    let id = sids[i];
    if (id >= 0 && u32(id) < p.vocab && u32(id) % p.parts == q) {
      let o = u32(id) * p.dim + c;
      dtable[o] = dtable[o] + dy[i * p.dim + c];
    }
  }
}

@compute @workgroup_size(WG)
fn scatter_add_chunks(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_index) lid: u32) {
  let t = (wid.y * nwg.x + wid.x) * WG + lid;
  if (t >= p.parts * p.dim) {
    return;
  }
  let c = t % p.dim;
  let q = t / p.dim;
  let i1 = min((q + 1u) * p.chunk, p.count);
  let base = q * p.vocab * p.dim;
  for (var i = q * p.chunk; i < i1; i++) {
    let id = sids[i];
    if (id >= 0 && u32(id) < p.vocab) {
      let o = base + u32(id) * p.dim + c;
      dtable[o] = dtable[o] + dy[i * p.dim + c];
    }
  }
}
