/**
 * A compute round trip that proves the adapter really runs our kernels: upload, dispatch
 * `axpy.wgsl`, read back, compare with the CPU reference. Used by the backend badge, the
 * worker's start-up report and the tests.
 */
import axpyWgsl from './kernels/axpy.wgsl?raw';
import { axpy } from '../cpu/axpy';
import { withErrorScopes } from './device';
import { shader } from './shader';
import { uniforms } from './uniforms';

const AXPY = shader('axpy', uniforms({ n: 'u32', alpha: 'f32' }), axpyWgsl);

export interface SelfTestResult {
  ok: boolean;
  n: number;
  maxAbsError: number;
  ms: number;
}

/** Deterministic test data, so a failure is reproducible. */
function testVectors(n: number): { x: Float32Array; y: Float32Array } {
  const x = new Float32Array(n);
  const y = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    x[i] = Math.sin(i * 0.37) * 3;
    y[i] = Math.cos(i * 0.11) - 0.5;
  }
  return { x, y };
}

export async function runComputeSelfTest(device: GPUDevice, n = 4099, alpha = 1.75): Promise<SelfTestResult> {
  const t0 = performance.now();
  const { x, y } = testVectors(n);
  const expected = axpy(alpha, x, y);
  const bytes = n * 4;
  const result = await withErrorScopes(device, () => {
    const params = device.createBuffer({ label: 'selftest.params', size: 16, usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST });
    const params32 = new ArrayBuffer(16);
    AXPY.uniforms.pack(new DataView(params32), 0, { n, alpha }, 'selfTest');
    device.queue.writeBuffer(params, 0, params32);
    const xb = device.createBuffer({ label: 'selftest.x', size: bytes, usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST });
    const yb = device.createBuffer({
      label: 'selftest.y',
      size: bytes,
      usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST | GPUBufferUsage.COPY_SRC,
    });
    const readback = device.createBuffer({
      label: 'selftest.readback',
      size: bytes,
      usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST,
    });
    device.queue.writeBuffer(xb, 0, x);
    device.queue.writeBuffer(yb, 0, y);
    const module = device.createShaderModule({ label: 'axpy.wgsl', code: AXPY.code });
    const pipeline = device.createComputePipeline({
      label: 'axpy',
      layout: 'auto',
      compute: { module, entryPoint: 'main', constants: { WG: 64 } },
    });
    const bind = device.createBindGroup({
      label: 'selftest.bind',
      layout: pipeline.getBindGroupLayout(0),
      entries: [
        { binding: 0, resource: { buffer: params } },
        { binding: 1, resource: { buffer: xb } },
        { binding: 2, resource: { buffer: yb } },
      ],
    });
    const enc = device.createCommandEncoder({ label: 'selftest' });
    const pass = enc.beginComputePass({ label: 'selftest.axpy' });
    pass.setPipeline(pipeline);
    pass.setBindGroup(0, bind);
    pass.dispatchWorkgroups(Math.ceil(n / 64));
    pass.end();
    enc.copyBufferToBuffer(yb, 0, readback, 0, bytes);
    device.queue.submit([enc.finish()]);
    return { readback, buffers: [params, xb, yb] };
  });
  await result.readback.mapAsync(GPUMapMode.READ);
  const got = new Float32Array(result.readback.getMappedRange().slice(0));
  result.readback.unmap();
  result.readback.destroy();
  for (const b of result.buffers) b.destroy();
  let maxAbsError = 0;
  for (let i = 0; i < n; i++) maxAbsError = Math.max(maxAbsError, Math.abs(got[i] - expected[i]));
  return { ok: maxAbsError <= 1e-6, n, maxAbsError, ms: performance.now() - t0 };
}
