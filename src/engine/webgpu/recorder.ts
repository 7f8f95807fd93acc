/**
 * Records dispatches into one command encoder and one compute pass, and submits them on
 * `flush()`. Per-dispatch scalars, packed by name as the kernel's shader declares them
 * (`uniforms.ts`), go into a preallocated uniform ring (256-byte slots, bound with dynamic
 * offsets) that is uploaded once per flush and reused: no buffer allocation per step.
 * When a step records more dispatches than the ring has slots, the recorded part is submitted
 * and the ring starts over; queue order keeps that correct. With kernel timing on, every
 * dispatch gets its own pass carrying timestamp writes.
 */
import { kernelCost } from './costs';
import { PipelineCache } from './pipelines';
import type { BufferPool, PoolEntry } from './pool';
import type { Kernel } from './shader';
import type { KernelTimer } from './timing';

/** Bytes per uniform slot: the WebGPU default `minUniformBufferOffsetAlignment`. */
export const SLOT_BYTES = 256;

export class Recorder {
  readonly pipelines: PipelineCache;
  private readonly uniform: GPUBuffer;
  private readonly uniformData: ArrayBuffer;
  private readonly uniformView: DataView;
  private slotsUsed = 0;
  private encoder: GPUCommandEncoder | null = null;
  private pass: GPUComputePassEncoder | null = null;
  /** Command buffers submitted so far. */
  submissions = 0;
  /** Dispatches recorded so far (the step benchmark reports them per step). */
  dispatches = 0;
  /** Buffer clears recorded so far (zero fills, which need no dispatch). */
  clears = 0;
  /**
   * Bytes of the storage bindings of every dispatch so far (the caller's element counts, not the
   * pool's size classes): an upper bound on the bytes the kernels move, since a kernel may read
   * only part of a binding (the step benchmark reports it per step).
   */
  bytesBound = 0;
  /** Dispatches so far by kernel (`shader.entry`), so a benchmark can say where they go. */
  readonly byKernel = new Map<string, number>();

  constructor(
    private readonly device: GPUDevice,
    pool: BufferPool,
    private readonly timer: KernelTimer,
    private readonly slots: number,
  ) {
    this.uniform = pool.createOwned({
      label: 'backend.uniforms',
      size: slots * SLOT_BYTES,
      usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST,
    });
    this.uniformData = new ArrayBuffer(slots * SLOT_BYTES);
    this.uniformView = new DataView(this.uniformData);
    this.pipelines = new PipelineCache(device, this.uniform, SLOT_BYTES);
  }

  /** Record one dispatch of `def`: `values` packed into the next uniform slot, `entries` bound in order. */
  dispatch<K extends Kernel>(
    opName: string,
    def: K,
    constants: Record<string, number>,
    values: Parameters<K['shader']['uniforms']['pack']>[2],
    entries: readonly PoolEntry[],
    grid: readonly number[],
  ): void {
    if (entries.length !== def.bindings.length)
      throw new Error(`${opName}: kernel ${def.entry} takes ${def.bindings.length} buffers, got ${entries.length}`);
    // WebGPU rejects a buffer bound twice in one dispatch when either binding is writable.
    for (let i = 0; i < entries.length; i++)
      for (let j = i + 1; j < entries.length; j++)
        if (entries[i] === entries[j] && (def.bindings[i] === 'w' || def.bindings[j] === 'w'))
          throw new Error(
            `${opName}: buffer "${entries[i].buffer.label.replace(/^\w+:/, '')}" is passed as both an input and an output; this kernel cannot run in place — use a separate output buffer`,
          );
    const layout = def.shader.uniforms;
    if (layout.bytes > SLOT_BYTES)
      throw new Error(`${opName}: the ${layout.bytes}-byte uniforms of ${def.shader.name} do not fit a ${SLOT_BYTES}-byte uniform slot`);
    if (this.slotsUsed === this.slots || (this.timer.enabled && this.timer.full)) this.flush();
    const base = this.slotsUsed * SLOT_BYTES;
    layout.pack(this.uniformView, base, values, opName);
    this.slotsUsed++;
    const pipeline = this.pipelines.pipeline(def, constants);
    const bindGroup = this.pipelines.bindGroup(def, entries);
    let pass: GPUComputePassEncoder;
    if (this.timer.enabled) {
      this.endPass();
      pass = this.enc().beginComputePass({
        label: opName,
        timestampWrites: this.timer.nextPass(opName, kernelCost(def.shader.name, def.entry, values, grid)),
      });
    } else {
      pass = this.pass ??= this.enc().beginComputePass({ label: 'backend.step' });
    }
    pass.setPipeline(pipeline);
    pass.setBindGroup(0, bindGroup, [base]);
    pass.dispatchWorkgroups(grid[0], grid[1] ?? 1, grid[2] ?? 1);
    this.dispatches++;
    this.byKernel.set(def.id, (this.byKernel.get(def.id) ?? 0) + 1);
    if (this.timer.enabled) pass.end();
  }

  /**
   * Record zeroing `bytes` of `buffer` from byte `offset` after everything recorded so far: a clear
   * command instead of a fill dispatch (a memset on a software adapter). Clears in a row share
   * one break between compute passes.
   */
  clear(buffer: GPUBuffer, bytes: number, offset = 0): void {
    this.endPass();
    this.enc().clearBuffer(buffer, offset, bytes);
    this.clears++;
  }

  /** Record a buffer-to-buffer copy (from byte `srcOffset` of src) after everything recorded so far. */
  copy(src: GPUBuffer, dst: GPUBuffer, bytes: number, srcOffset = 0): void {
    this.endPass();
    this.enc().copyBufferToBuffer(src, srcOffset, dst, 0, bytes);
  }

  /** Upload the used uniform slots and submit everything recorded (no-op when nothing is). */
  flush(): void {
    this.endPass();
    if (!this.encoder) return;
    if (this.slotsUsed > 0) this.device.queue.writeBuffer(this.uniform, 0, this.uniformData, 0, this.slotsUsed * SLOT_BYTES);
    this.timer.resolve(this.encoder);
    this.device.queue.submit([this.encoder.finish()]);
    this.timer.afterSubmit();
    this.submissions++;
    this.encoder = null;
    this.slotsUsed = 0;
  }

  private enc(): GPUCommandEncoder {
    this.encoder ??= this.device.createCommandEncoder({ label: `backend.submission#${this.submissions}` });
    return this.encoder;
  }

  private endPass(): void {
    if (this.pass) {
      this.pass.end();
      this.pass = null;
    }
  }
}
