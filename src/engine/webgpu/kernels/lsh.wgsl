// Reformer's angular LSH and the stable bucket sort (the CPU reference: src/engine/cpu/lsh.ts).
//   lsh_hash:    buckets[b, r, t] = argmax_j [x, −x]_j over round r's half entries of
//                rotated[b, t, r·half …]; the first maximum wins on ties, as on the CPU; a padded
//                token (mask[b / heads, t] = 0) gets 2·half, a bucket after every real one.
//   bucket_sort: one workgroup per row of buckets [rows, n]: count the tokens per bucket
//                (workgroup atomics), an exclusive prefix sum (one invocation; nb ≤ MAX_BUCKETS),
//                then invocation l places the tokens of the buckets k ≡ l (mod WG) in position
//                order, so the sort is stable and deterministic without global atomics:
//                sorted[row·n + s] = row·n + t, undo[row·n + t] = row·n + s.
override WG: u32 = 64u;
const MAX_BUCKETS: u32 = 1025u;

// The uniform struct P is generated from the uniforms() declaration in lsh.ts.

@group(0) @binding(0) var<uniform> p: P;
@group(0) @binding(1) var<storage, read> rotated: array<f32>;
@group(0) @binding(2) var<storage, read> mask: array<f32>;
@group(0) @binding(3) var<storage, read_write> buckets: array<i32>;
// bucket_sort
@group(0) @binding(1) var<storage, read> keys: array<i32>;
@group(0) @binding(2) var<storage, read_write> sorted: array<i32>;
@group(0) @binding(3) var<storage, read_write> undo: array<i32>;

var<workgroup> counts: array<atomic<u32>, MAX_BUCKETS>;
var<workgroup> starts: array<u32, MAX_BUCKETS>;

@compute @workgroup_size(WG)
fn lsh_hash(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_index) lid: u32) {
  let i = (wid.y * nwg.x + wid.x) * WG + lid;
  if (i >= p.bh * p.rounds * p.n) {
    return;
  }
  let t = i % p.n;
  let r = (i / p.n) % p.rounds;
  let b = i / (p.n * p.rounds);
  if (mask[(b / p.heads) * p.n + t] == 0.0) {
    buckets[i] = i32(2u * p.half);
    return;
  }
  let at = (b * p.n + t) * p.rounds * p.half + r * p.half;
  var best = 0u;
  var value = rotated[at];
  for (var j = 1u; j < 2u * p.half; j++) {
    var x: f32;
    if (j < p.half) {
      x = rotated[at + j];
    } else {
      x = -rotated[at + j - p.half];
    }
    if (x > value) {
      value = x;
      best = j;
    }
  }
  buckets[i] = i32(best);
}

@compute @workgroup_size(WG)
fn bucket_sort(@builtin(workgroup_id) wid: vec3u, @builtin(num_workgroups) nwg: vec3u, @builtin(local_invocation_index) lid: u32) {
  // Uniform control flow: every invocation reaches the barriers; rows past the end do no work.
  let row = wid.y * nwg.x + wid.x;
  let live = row < p.rows;
  for (var k = lid; k < p.buckets; k += WG) {
    atomicStore(&counts[k], 0u);
  }
  workgroupBarrier();
  if (live) {
    for (var t = lid; t < p.n; t += WG) {
      atomicAdd(&counts[u32(keys[row * p.n + t])], 1u);
    }
  }
  workgroupBarrier();
  if (lid == 0u) {
    var total = 0u;
    for (var k = 0u; k < p.buckets; k++) {
      starts[k] = total;
      total += atomicLoad(&counts[k]);
    }
  }
  workgroupBarrier();
  if (live) {
    for (var t = 0u; t < p.n; t++) {
      let k = u32(keys[row * p.n + t]);
      if (k % WG == lid) {
        let s = starts[k];
        starts[k] = s + 1u;
        sorted[row * p.n + s] = i32(row * p.n + t);
        undo[row * p.n + t] = i32(row * p.n + s);
      }
    }
  }
}
