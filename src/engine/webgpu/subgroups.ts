/**
 * Whether the row kernels may reduce through subgroups on this device (docs/kernels.md
 * "Subgroups"): the device must have the `subgroups` feature, and its subgroups must be laid out
 * as subgroupReduce.wgsl assumes — consecutive, aligned blocks of local_invocation_index of at
 * least 4 invocations — for every row workgroup size (32 to 256). WGSL does not promise that
 * layout, so it is checked here on the adapter, once, before the path is used; where it fails,
 * the plain tree reductions run and the reason is reported.
 */
import layoutWgsl from './kernels/subgroupLayout.wgsl?raw';

export interface SubgroupCheck {
  usable: boolean;
  /** Why not, or what was checked. */
  reason: string;
  /** Subgroup sizes seen (as the reductions count them), by workgroup size. */
  sizes: Record<number, number[]>;
}

const WORKGROUPS = [32, 64, 128, 256];

/** Run the layout kernel for each row workgroup size and check what the reductions rely on. */
export async function checkSubgroups(device: GPUDevice): Promise<SubgroupCheck> {
  if (!device.features.has('subgroups')) return { usable: false, reason: 'the device has no subgroups feature', sizes: {} };
  const module = device.createShaderModule({ label: 'subgroupLayout.wgsl', code: `enable subgroups;\n${layoutWgsl}` });
  const sizes: Record<number, number[]> = {};
  for (const wg of WORKGROUPS) {
    const groups = 2;
    const bytes = groups * wg * 16;
    const out = device.createBuffer({ label: 'subgroups.layout', size: bytes, usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC });
    const read = device.createBuffer({ label: 'subgroups.read', size: bytes, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
    const pipeline = device.createComputePipeline({
      label: `subgroup_layout WG=${wg}`,
      layout: 'auto',
      compute: { module, entryPoint: 'subgroup_layout', constants: { WG: wg } },
    });
    const bind = device.createBindGroup({ layout: pipeline.getBindGroupLayout(0), entries: [{ binding: 0, resource: { buffer: out } }] });
    const enc = device.createCommandEncoder({ label: 'subgroups.check' });
    const pass = enc.beginComputePass();
    pass.setPipeline(pipeline);
    pass.setBindGroup(0, bind);
    pass.dispatchWorkgroups(groups);
    pass.end();
    enc.copyBufferToBuffer(out, 0, read, 0, bytes);
    device.queue.submit([enc.finish()]);
    await read.mapAsync(GPUMapMode.READ);
    const v = new Uint32Array(read.getMappedRange().slice(0));
    read.destroy();
    out.destroy();
    const seen = new Set<number>();
    for (let i = 0; i < groups * wg; i++) {
      const lid = i % wg;
      const [, , packed, first] = v.subarray(4 * i, 4 * i + 4);
      const lane = packed % 1024;
      const size = Math.floor(packed / 1024);
      seen.add(size);
      const problem =
        size < 4 || wg % size !== 0
          ? `a subgroup of ${size} invocations (needs a power of two of at least 4 that divides ${wg})`
          : lane !== lid % size || first !== lid - lane
            ? `invocation ${lid} is lane ${lane} of a subgroup starting at ${first} (subgroups are not consecutive, aligned blocks)`
            : null;
      if (problem) return { usable: false, reason: `workgroup of ${wg}: ${problem}`, sizes };
    }
    sizes[wg] = [...seen].sort((a, b) => a - b);
  }
  const all = [...new Set(Object.values(sizes).flat())].sort((a, b) => a - b);
  return { usable: true, reason: `subgroups of ${all.join(', ')} invocations, laid out as consecutive blocks`, sizes };
}
