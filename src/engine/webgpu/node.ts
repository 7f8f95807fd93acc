/**
 * WebGPU in Node through Dawn (the `webgpu` npm package), for tests, the command line and
 * benchmarks. Never imported by browser code.
 *
 * The object returned by `create()` must stay reachable while any device from it lives:
 * if it is garbage-collected, Dawn crashes the process at random (see docs/testing.md "WebGPU in Node (Dawn)").
 * It is therefore kept in a module-level variable for the life of the process.
 */
import { create, globals } from 'webgpu';
import { WebGpuUnavailableError } from './errors';

let dawn: GPU | undefined;

/** Dawn's `GPU` object, created once per process; WebGPU globals (GPUBufferUsage...) installed. */
export function nodeGpu(): GPU {
  if (!dawn) {
    Object.assign(globalThis, globals);
    try {
      dawn = create([]) as GPU;
    } catch (e) {
      throw new WebGpuUnavailableError(
        `Dawn could not start (${(e as Error).message}); run through scripts/with-webgpu.sh so a Vulkan driver is found`,
      );
    }
  }
  return dawn;
}
