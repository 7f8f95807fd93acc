// tree(lid, v) of the plain reduce shader: the barrier tree of reduceTree.wgsl.
fn tree(lid: u32, v: f32) -> f32 {
  return barrier_tree(lid, v);
}
