/**
 * The uniform declaration helper: the WGSL struct it generates and the bytes it packs agree,
 * field by field, on the CPU (offsets, encodings) and on a device (a shader reads every field
 * of the generated struct back out of a packed uniform buffer).
 */
import { afterAll, describe, expect, it } from 'vitest';
import { acquireGpu, type GpuContext } from './device';
import { nodeGpu } from './node';
import { kernel, shader } from './shader';
import { uniforms, type UniformType } from './uniforms';

const contexts: GpuContext[] = [];
afterAll(() => {
  for (const c of contexts) c.destroy();
});

/** 13 fields, so they cross several 16-byte rows, in every type and order. */
const SPEC = {
  total: 'u32',
  alpha: 'f32',
  shift: 'i32',
  s1: 'u32',
  eps: 'f32',
  big: 'u32',
  neg: 'i32',
  scale: 'f32',
  a0: 'u32',
  a1: 'u32',
  beta: 'f32',
  acc: 'u32',
  last: 'i32',
} as const satisfies Record<string, UniformType>;
const VALUES = {
  total: 7,
  alpha: 0.1,
  shift: -3,
  s1: 0,
  eps: 1e-5,
  big: 0xffffffff,
  neg: -2147483648,
  scale: -2.5,
  a0: 4096,
  a1: 1,
  beta: Infinity,
  acc: 1,
  last: 2147483647,
};

/** The 32-bit pattern each value should have, by its type. */
function bitsOf(type: UniformType, v: number): number {
  const view = new DataView(new ArrayBuffer(4));
  if (type === 'f32') view.setFloat32(0, v, true);
  else if (type === 'i32') view.setInt32(0, v, true);
  else view.setUint32(0, v, true);
  return view.getUint32(0, true);
}

describe('uniforms()', () => {
  const layout = uniforms(SPEC);
  const names = Object.keys(SPEC) as (keyof typeof SPEC)[];

  it('generates a WGSL struct with the fields in declaration order and their types', () => {
    expect(layout.struct('P')).toBe(`struct P {\n${names.map((n) => `  ${n}: ${SPEC[n]},`).join('\n')}\n}\n`);
    expect(layout.names).toEqual(names);
    // Scalars only: WGSL places field i at 4·i (alignment 4, size 4), the struct is 4·count bytes.
    expect(layout.offsets).toEqual(names.map((_, i) => 4 * i));
    expect(layout.bytes).toBe(4 * names.length);
  });

  it('packs each value at its field offset, encoded by its type, little-endian, from a base', () => {
    const view = new DataView(new ArrayBuffer(256 + layout.bytes));
    layout.pack(view, 256, VALUES, 'test');
    for (const [i, n] of names.entries()) expect(view.getUint32(256 + 4 * i, true), n).toBe(bitsOf(SPEC[n], VALUES[n]));
    expect(view.getFloat32(256 + 4 * names.indexOf('alpha'), true)).toBeCloseTo(0.1, 7);
    expect(view.getInt32(256 + 4 * names.indexOf('shift'), true)).toBe(-3);
    // Nothing before the base was touched.
    for (let i = 0; i < 256; i += 4) expect(view.getUint32(i, true)).toBe(0);
  });

  it('fills left-out fields from their defaults and refuses a field with neither', () => {
    const withDefaults = uniforms({ n: 'u32', bc1: 'f32', chunk: 'u32' }, { bc1: 1, chunk: 0 });
    const view = new DataView(new ArrayBuffer(12));
    withDefaults.pack(view, 0, { n: 5 }, 'op');
    expect([view.getUint32(0, true), view.getFloat32(4, true), view.getUint32(8, true)]).toEqual([5, 1, 0]);
    withDefaults.pack(view, 0, { n: 6, bc1: 0.5, chunk: 9 }, 'op');
    expect([view.getUint32(0, true), view.getFloat32(4, true), view.getUint32(8, true)]).toEqual([6, 0.5, 9]);
    expect(() => withDefaults.pack(view, 0, {} as { n: number }, 'adamw "w"')).toThrow(
      'adamw "w": uniform field "n" has no value and no default',
    );
  });

  it('refuses values outside their type, naming the op and the field', () => {
    const l = uniforms({ n: 'u32', k: 'i32' });
    const view = new DataView(new ArrayBuffer(8));
    expect(() => l.pack(view, 0, { n: -1, k: 0 }, 'gather')).toThrow('gather: uniform field "n" = -1 is not a u32');
    expect(() => l.pack(view, 0, { n: 1.5, k: 0 }, 'gather')).toThrow('is not a u32');
    expect(() => l.pack(view, 0, { n: 2 ** 32, k: 0 }, 'gather')).toThrow('is not a u32');
    expect(() => l.pack(view, 0, { n: 0, k: 2 ** 31 }, 'gather')).toThrow('gather: uniform field "k" = 2147483648 is not an i32');
  });

  it('refuses declarations WGSL or the packer could not honour', () => {
    expect(() => uniforms({})).toThrow('at least one field');
    expect(() => uniforms({ n: 'vec2u' as UniformType })).toThrow('field "n" has type vec2u; allowed: u32, i32, f32');
    expect(() => uniforms({ 'bad-name': 'u32' })).toThrow('"bad-name" is not a WGSL identifier');
    expect(() => uniforms({ n: 'u32' }, { m: 1 } as unknown as { n: number })).toThrow(
      'default for "m", which is not a declared field (n)',
    );
  });

  it('shader() prepends the struct and refuses a source that still declares it by hand', () => {
    const l = uniforms({ n: 'u32' });
    const s = shader('t', l, 'fn f() {}', ['fn g() {}']);
    expect(s.code).toBe(`${l.struct('P')}\nfn g() {}\nfn f() {}`);
    expect(() => shader('t', l, 'struct P { n: u32 }\n')).toThrow('shader t: the source declares struct P');
    expect(kernel(s, 'main', 'rrw')).toMatchObject({ id: 't.main', signature: 'rrw', bindings: ['r', 'r', 'w'] });
    expect(() => kernel(s, 'main', 'rx')).toThrow('bindings "rx" must be a string of r and w');
  });

  it('agrees with the device: a shader reads every field of the generated struct from the packed bytes', async () => {
    const ctx = await acquireGpu({}, nodeGpu());
    contexts.push(ctx);
    const { device } = ctx;
    const reads = names.map((n, i) => `  out[${i}u] = bitcast<u32>(p.${n});`).join('\n');
    const code = `${layout.struct('P')}
@group(0) @binding(0) var<uniform> p: P;
@group(0) @binding(1) var<storage, read_write> out: array<u32>;
@compute @workgroup_size(1)
fn main() {
${reads}
}`;
    const base = 256; // a nonzero slot, as the recorder's ring uses
    const data = new ArrayBuffer(base + 256);
    layout.pack(new DataView(data), base, VALUES, 'test');
    const uniform = device.createBuffer({ size: data.byteLength, usage: GPUBufferUsage.UNIFORM | GPUBufferUsage.COPY_DST });
    device.queue.writeBuffer(uniform, 0, data);
    const bytes = 4 * names.length;
    const out = device.createBuffer({ size: bytes, usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC });
    const staging = device.createBuffer({ size: bytes, usage: GPUBufferUsage.MAP_READ | GPUBufferUsage.COPY_DST });
    const pipeline = device.createComputePipeline({
      layout: 'auto',
      compute: { module: device.createShaderModule({ code }), entryPoint: 'main' },
    });
    const group = device.createBindGroup({
      layout: pipeline.getBindGroupLayout(0),
      entries: [
        { binding: 0, resource: { buffer: uniform, offset: base, size: 256 } },
        { binding: 1, resource: { buffer: out } },
      ],
    });
    const enc = device.createCommandEncoder();
    const pass = enc.beginComputePass();
    pass.setPipeline(pipeline);
    pass.setBindGroup(0, group);
    pass.dispatchWorkgroups(1);
    pass.end();
    enc.copyBufferToBuffer(out, 0, staging, 0, bytes);
    device.queue.submit([enc.finish()]);
    await staging.mapAsync(GPUMapMode.READ);
    const got = Array.from(new Uint32Array(staging.getMappedRange().slice(0)));
    staging.unmap();
    expect(got).toEqual(names.map((n) => bitsOf(SPEC[n], VALUES[n])));
    expect(ctx.uncapturedErrors).toEqual([]);
  });
});
