/**
 * Shader modules, pipelines and bind groups, each created once and cached: a pipeline per
 * (entry point, override constants), an explicit layout per binding signature (the uniform at
 * binding 0 with a dynamic offset, then the kernel's storage buffers), and bind groups by the
 * pool's stable buffer keys.
 */
import { MODULES, type KernelDef, type ModuleName } from './kernels';

interface Layout {
  bgl: GPUBindGroupLayout;
  pl: GPUPipelineLayout;
}

/** Bind groups kept at most; the pool reuses buffers, so a steady training loop stays far below. */
const MAX_BIND_GROUPS = 16384;

export class PipelineCache {
  private readonly modules = new Map<ModuleName, GPUShaderModule>();
  private readonly pipelines = new Map<string, GPUComputePipeline>();
  private readonly layouts = new Map<string, Layout>();
  private readonly bindGroups = new Map<string, GPUBindGroup>();

  constructor(
    private readonly device: GPUDevice,
    /** The uniform ring every bind group names at binding 0. */
    private readonly uniform: GPUBuffer,
    private readonly uniformBindingBytes: number,
  ) {}

  /** The pipeline of `def` with these override constants. */
  pipeline(def: KernelDef, constants: Record<string, number>): GPUComputePipeline {
    const ck = Object.entries(constants)
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([k, v]) => `${k}=${v}`)
      .join(',');
    const key = `${def.module}.${def.entry}(${ck})`;
    let p = this.pipelines.get(key);
    if (!p) {
      p = this.device.createComputePipeline({
        label: key,
        layout: this.layout(def).pl,
        compute: { module: this.module(def.module), entryPoint: def.entry, constants },
      });
      this.pipelines.set(key, p);
    }
    return p;
  }

  /** A bind group of the uniform ring and `buffers` (whose pool keys are `keys`) for `def`. */
  bindGroup(def: KernelDef, keys: readonly number[], buffers: readonly GPUBuffer[]): GPUBindGroup {
    const key = `${def.bindings.join('')}:${keys.join(',')}`;
    let g = this.bindGroups.get(key);
    if (!g) {
      if (this.bindGroups.size >= MAX_BIND_GROUPS) this.bindGroups.clear();
      g = this.device.createBindGroup({
        label: `bind.${def.entry}[${keys.join(',')}]`,
        layout: this.layout(def).bgl,
        entries: [
          { binding: 0, resource: { buffer: this.uniform, size: this.uniformBindingBytes } },
          ...buffers.map((buffer, i) => ({ binding: i + 1, resource: { buffer } })),
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

  private module(name: ModuleName): GPUShaderModule {
    let m = this.modules.get(name);
    if (!m) {
      m = this.device.createShaderModule({ label: `${name}.wgsl`, code: MODULES[name] });
      this.modules.set(name, m);
    }
    return m;
  }

  private layout(def: KernelDef): Layout {
    const sig = def.bindings.join('');
    let l = this.layouts.get(sig);
    if (!l) {
      const entries: GPUBindGroupLayoutEntry[] = [
        { binding: 0, visibility: GPUShaderStage.COMPUTE, buffer: { type: 'uniform', hasDynamicOffset: true } },
        ...def.bindings.map(
          (a, i): GPUBindGroupLayoutEntry => ({ binding: i + 1, visibility: GPUShaderStage.COMPUTE, buffer: { type: a === 'w' ? 'storage' : 'read-only-storage' } }),
        ),
      ];
      const bgl = this.device.createBindGroupLayout({ label: `layout.u+${sig}`, entries });
      l = { bgl, pl: this.device.createPipelineLayout({ label: `pipeline-layout.u+${sig}`, bindGroupLayouts: [bgl] }) };
      this.layouts.set(sig, l);
    }
    return l;
  }
}
