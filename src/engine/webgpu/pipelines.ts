/**
 * Shader modules, pipelines and bind groups, each created once and cached: a pipeline per
 * (kernel, override constants), an explicit layout per binding signature (the uniform at
 * binding 0 with a dynamic offset, then the kernel's storage buffers), and bind groups by the
 * pool's stable buffer keys.
 */
import type { Kernel, Shader } from './shader';
import type { PoolEntry } from './pool';

interface Layout {
  bgl: GPUBindGroupLayout;
  pl: GPUPipelineLayout;
}

/** Bind groups kept at most; the pool reuses buffers, so a steady training loop stays far below. */
const MAX_BIND_GROUPS = 16384;

export class PipelineCache {
  private readonly modules = new Map<Shader, GPUShaderModule>();
  private readonly pipelines = new Map<string, GPUComputePipeline>();
  private readonly layouts = new Map<string, Layout>();
  private readonly bindGroups = new Map<string, GPUBindGroup>();

  constructor(
    private readonly device: GPUDevice,
    /** The uniform ring every bind group names at binding 0. */
    private readonly uniform: GPUBuffer,
    private readonly uniformBindingBytes: number,
  ) {}

  /** The keys of the pipelines built so far (`shader.entry(constants)`): tests use them to see which kernels ran. */
  builtKeys(): string[] {
    return [...this.pipelines.keys()];
  }

  /** The pipeline of `def` with these override constants. */
  pipeline(def: Kernel, constants: Record<string, number>): GPUComputePipeline {
    // Looked up on every dispatch: a key built without sorting or intermediate arrays. Call
    // sites always list their constants in one order, so insertion order identifies them.
    let ck = '';
    for (const name in constants) ck += `${name}=${constants[name]},`;
    const key = ck === '' ? def.id : `${def.id}(${ck})`;
    let p = this.pipelines.get(key);
    if (!p) {
      p = this.device.createComputePipeline({
        label: `${def.shader.name}.${def.entry}(${ck.slice(0, -1)})`,
        layout: this.layout(def).pl,
        compute: { module: this.module(def.shader), entryPoint: def.entry, constants },
      });
      this.pipelines.set(key, p);
    }
    return p;
  }

  /** A bind group of the uniform ring and the pool entries' buffers, in binding order, for `def`. */
  bindGroup(def: Kernel, entries: readonly PoolEntry[]): GPUBindGroup {
    let key = def.signature;
    for (let i = 0; i < entries.length; i++) key += `:${entries[i].key}`;
    let g = this.bindGroups.get(key);
    if (!g) {
      if (this.bindGroups.size >= MAX_BIND_GROUPS) this.bindGroups.clear();
      g = this.device.createBindGroup({
        label: `bind.${def.entry}[${entries.map((e) => e.key).join(',')}]`,
        layout: this.layout(def).bgl,
        entries: [
          { binding: 0, resource: { buffer: this.uniform, size: this.uniformBindingBytes } },
          ...entries.map((e, i) => ({ binding: i + 1, resource: { buffer: e.buffer, offset: e.offset, size: e.bytes } })),
        ],
      });
      this.bindGroups.set(key, g);
    }
    return g;
  }

  /** Forget every bind group (some may name buffers that were destroyed). */
  dropBindGroups(): void {
    this.bindGroups.clear();
  }

  clear(): void {
    this.bindGroups.clear();
    this.pipelines.clear();
    this.layouts.clear();
    this.modules.clear();
  }

  private module(s: Shader): GPUShaderModule {
    let m = this.modules.get(s);
    if (!m) {
      m = this.device.createShaderModule({ label: `${s.name}.wgsl`, code: s.code });
      this.modules.set(s, m);
    }
    return m;
  }

  private layout(def: Kernel): Layout {
    const sig = def.signature;
    let l = this.layouts.get(sig);
    if (!l) {
      const entries: GPUBindGroupLayoutEntry[] = [
        { binding: 0, visibility: GPUShaderStage.COMPUTE, buffer: { type: 'uniform', hasDynamicOffset: true } },
        ...def.bindings.map(
          (a, i): GPUBindGroupLayoutEntry => ({
            binding: i + 1,
            visibility: GPUShaderStage.COMPUTE,
            buffer: { type: a === 'w' ? 'storage' : 'read-only-storage' },
          }),
        ),
      ];
      const bgl = this.device.createBindGroupLayout({ label: `layout.u+${sig}`, entries });
      l = { bgl, pl: this.device.createPipelineLayout({ label: `pipeline-layout.u+${sig}`, bindGroupLayouts: [bgl] }) };
      this.layouts.set(sig, l);
    }
    return l;
  }
}
