// The workgroup reduction of reduce.wgsl through subgroups (docs/kernels.md "Subgroups"): for
// sums, each subgroup adds in registers and its first invocation puts the result at the
// subgroup's index (lid / size: the layout subgroups.ts checks), then the slots are added in
// index order. Maxima keep the barrier tree (reduceTree.wgsl, included with this file): the CPU
// reference propagates NaN, and subgroupMax does not promise to. Included as text; call from
// uniform control flow only.
fn tree(lid: u32, v: f32) -> f32 {
  if (OP == 1u || OP == 3u) {
    return barrier_tree(lid, v);
  }
  let lane = subgroupExclusiveAdd(1u);
  let size = subgroupAdd(1u);
  let s = subgroupAdd(v);
  if (lane == 0u) {
    red[lid / size] = s;
  }
  workgroupBarrier();
  var t = 0.0;
  for (var i = 0u; i < WG / 4u; i++) {
    if (i * size < WG) {
      t += red[i];
    }
  }
  return t;
}
