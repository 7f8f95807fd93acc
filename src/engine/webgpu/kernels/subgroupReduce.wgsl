// Reductions across one workgroup with subgroup operations (the `subgroups` feature). This text
// stands in for workgroupReduce.wgsl, with the same functions, where the adapter has subgroups
// (docs/kernels.md "Subgroups"): each subgroup reduces in registers, its first invocation puts
// the result in workgroup memory at the subgroup's index, and every invocation combines those in
// index order: two barriers instead of the tree's log2(WG) + 2. The subgroup's index is
// lid / size, which needs subgroups to be consecutive, aligned blocks of local_invocation_index:
// subgroups.ts checks that on the adapter before this path is used. WG must be a power of two;
// call from uniform control flow only.
var<workgroup> red: array<f32, WG>;

// This invocation's lane and its subgroup's size (the active invocations: all of them here).
fn sg_lane_size() -> vec2u {
  return vec2u(subgroupExclusiveAdd(1u), subgroupAdd(1u));
}

fn wg_sum(lid: u32, v: f32) -> f32 {
  let ls = sg_lane_size();
  let s = subgroupAdd(v);
  if (ls.x == 0u) {
    red[lid / ls.y] = s;
  }
  workgroupBarrier();
  // A constant bound (the smallest subgroup has 4 invocations) keeps the loop uniform; slots
  // past the subgroup count are skipped.
  var t = 0.0;
  for (var i = 0u; i < WG / 4u; i++) {
    if (i * ls.y < WG) {
      t += red[i];
    }
  }
  workgroupBarrier();
  return t;
}

fn wg_max(lid: u32, v: f32) -> f32 {
  let ls = sg_lane_size();
  let s = subgroupMax(v);
  if (ls.x == 0u) {
    red[lid / ls.y] = s;
  }
  workgroupBarrier();
  var t = red[0];
  for (var i = 1u; i < WG / 4u; i++) {
    if (i * ls.y < WG) {
      t = max(t, red[i]);
    }
  }
  workgroupBarrier();
  return t;
}
