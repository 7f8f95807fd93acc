/** Host ↔ device copies of the WebGPU backend: typed uploads and staged read-backs. */
import type { Buf } from '../backend';
import type { BufferPool } from './pool';
import type { Recorder } from './recorder';

/** `data` as the typed array `b` holds (checked: an i32 buffer takes integers only); no copy when it already is one. */
export function uploadArray(b: Buf, data: ArrayLike<number>): Float32Array | Int32Array {
  if (b.dtype === 'i32') {
    for (let i = 0; i < data.length; i++)
      if (!Number.isInteger(data[i])) throw new Error(`write: buffer "${b.label}" is i32 but element ${i} is ${data[i]}`);
    return data instanceof Int32Array ? data : Int32Array.from(data);
  }
  return data instanceof Float32Array ? data : Float32Array.from(data);
}

/**
 * Copy `b` into a pooled staging buffer after everything recorded, submit, and wait for the
 * mapping: the only place the backend waits on the GPU.
 */
export async function readBack(pool: BufferPool, recorder: Recorder, b: Buf): Promise<Float32Array | Int32Array> {
  const e = pool.entry(b, 'read');
  const bytes = b.size * 4;
  const staging = pool.acquireStaging(bytes, b.label);
  recorder.copy(e.buffer, staging, bytes, e.offset);
  recorder.flush();
  await staging.mapAsync(GPUMapMode.READ, 0, bytes);
  const copied = staging.getMappedRange(0, bytes).slice(0);
  staging.unmap();
  pool.releaseStaging(staging);
  return b.dtype === 'i32' ? new Int32Array(copied) : new Float32Array(copied);
}
