// The start-up check of the subgroup layout that subgroupReduce.wgsl relies on (subgroups.ts):
// every invocation writes its subgroup lane and size as the builtins give them, the lane and size
// as subgroupReduce.wgsl computes them, and the smallest local index in its subgroup. The CPU
// then checks that subgroups are consecutive, aligned blocks of local_invocation_index.
override WG: u32 = 256u;

@group(0) @binding(0) var<storage, read_write> layout_out: array<vec4u>;

@compute @workgroup_size(WG)
fn subgroup_layout(
  @builtin(local_invocation_index) lid: u32,
  @builtin(workgroup_id) wid: vec3u,
  @builtin(subgroup_invocation_id) lane: u32,
  @builtin(subgroup_size) size: u32,
) {
  let counted = vec2u(subgroupExclusiveAdd(1u), subgroupAdd(1u));
  let first = subgroupMin(lid);
  let i = wid.x * WG + lid;
  layout_out[i] = vec4u(lane, size, counted.x + 1024u * counted.y, first);
}
