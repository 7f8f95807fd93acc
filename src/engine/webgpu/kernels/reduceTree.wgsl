// The workgroup reduction of reduce.wgsl (which declares `red` and `combine`): a barrier tree.
// Included as text, in both reduce shaders (the subgroup one keeps it for maxima); call from
// uniform control flow only.
fn barrier_tree(lid: u32, v: f32) -> f32 {
  red[lid] = v;
  workgroupBarrier();
  for (var s = WG / 2u; s > 0u; s = s >> 1u) {
    if (lid < s) {
      red[lid] = combine(red[lid], red[lid + s]);
    }
    workgroupBarrier();
  }
  return red[0];
}
