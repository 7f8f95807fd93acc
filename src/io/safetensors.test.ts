import { describe, expect, it } from 'vitest';
import { ExportError, ImportError } from './errors';
import { MAX_HEADER_BYTES, readSafetensors, writeSafetensors, type Tensor } from './safetensors';
import { parseStrictJson } from './safetensorsJson';

const enc = new TextEncoder();

/** A file from a header given as text and a data section, the way the spec lays it out. */
function fileOf(header: string, data: Uint8Array = new Uint8Array(0), declaredLength?: bigint): Uint8Array {
  const h = enc.encode(header);
  const out = new Uint8Array(8 + h.length + data.length);
  new DataView(out.buffer).setBigUint64(0, declaredLength ?? BigInt(h.length), true);
  out.set(h, 8);
  out.set(data, 8 + h.length);
  return out;
}

function importError(f: () => unknown): ImportError {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(ImportError);
    return e as ImportError;
  }
  throw new Error('expected an ImportError, nothing was thrown');
}

const sample = (): Record<string, Tensor> => ({
  'layers.0.attn.q.weight': { dtype: 'F32', shape: [2, 3], data: Float32Array.from([1, -2, 3.5, 1e-30, -0, 6]) },
  labels: { dtype: 'I32', shape: [4], data: Int32Array.from([0, -1, 2147483647, -2147483648]) },
  scalar: { dtype: 'F64', shape: [], data: Float64Array.from([Math.PI]) },
  empty: { dtype: 'F32', shape: [0, 5], data: new Float32Array(0) },
});

describe('safetensors writer', () => {
  it('lays the file out as the spec says: u64 LE header length, space-padded JSON, then data', () => {
    const bytes = writeSafetensors(
      { b: { dtype: 'F32', shape: [2], data: Float32Array.from([1, 2]) }, a: { dtype: 'I32', shape: [1], data: Int32Array.from([7]) } },
      { config: '{"layers":2}' },
    );
    const n = Number(new DataView(bytes.buffer).getBigUint64(0, true));
    expect(n % 8).toBe(0);
    const header = new TextDecoder().decode(bytes.subarray(8, 8 + n));
    const json =
      '{"__metadata__":{"config":"{\\"layers\\":2}"},"a":{"dtype":"I32","shape":[1],"data_offsets":[0,4]},"b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}}';
    expect(header).toBe(json + ' '.repeat(n - json.length));
    // Offsets are relative to the data section; values little-endian.
    const data = new DataView(bytes.buffer, 8 + n);
    expect([data.getInt32(0, true), data.getFloat32(4, true), data.getFloat32(8, true)]).toEqual([7, 1, 2]);
    expect(bytes.length).toBe(8 + n + 12);
  });

  it('round-trips F32, I32 and F64 exactly, scalars and empty tensors included, and copies the data', () => {
    const input = sample();
    const bytes = writeSafetensors(
      input,
      new Map([
        ['config', '{"a":1}'],
        ['note', 'é ✓ 😀'],
      ]),
    );
    const { tensors, metadata } = readSafetensors(bytes);
    expect([...tensors.keys()]).toEqual(['empty', 'labels', 'layers.0.attn.q.weight', 'scalar']);
    for (const [name, t] of Object.entries(input)) expect(tensors.get(name), name).toEqual(t);
    expect(Object.is(tensors.get('layers.0.attn.q.weight')?.data[4], -0)).toBe(true);
    expect(metadata.get('note')).toBe('é ✓ 😀');
    bytes.fill(0);
    expect(tensors.get('scalar')?.data[0]).toBe(Math.PI);
  });

  it('writes integer-like names in sorted order, not JS object order', () => {
    const t = (v: number): Tensor => ({ dtype: 'F32', shape: [1], data: Float32Array.from([v]) });
    const { tensors } = readSafetensors(writeSafetensors({ b: t(1), 10: t(2), 2: t(3) }));
    expect([...tensors.keys()]).toEqual(['10', '2', 'b']);
  });

  it('reads from an unaligned view into a larger buffer', () => {
    const bytes = writeSafetensors(sample());
    const big = new Uint8Array(bytes.length + 3);
    big.set(bytes, 3);
    expect(readSafetensors(big.subarray(3)).tensors.get('labels')?.data).toEqual(Int32Array.from([0, -1, 2147483647, -2147483648]));
  });

  it('refuses what it cannot write faithfully', () => {
    const write = (t: unknown, meta?: Record<string, string>) => () => writeSafetensors({ x: t as Tensor }, meta);
    expect(write({ dtype: 'F32', shape: [3], data: new Float32Array(2) })).toThrow(
      new ExportError('tensor', 'tensor "x": shape [3] has 3 elements but the data has 2.'),
    );
    expect(write({ dtype: 'F32', shape: [2], data: new Float64Array(2) })).toThrow(/dtype F32 needs a Float32Array, got Float64Array/);
    expect(write({ dtype: 'F16', shape: [2], data: new Float32Array(2) })).toThrow(/dtype "F16" is not writable; allowed F32, I32, F64/);
    expect(write({ dtype: 'F32', shape: [-1], data: new Float32Array(0) })).toThrow(/non-negative integers/);
    expect(() => writeSafetensors({ __metadata__: sample().scalar })).toThrow(ExportError);
    expect(write(sample().scalar, { n: 3 as unknown as string })).toThrow(/must map a string key/);
  });
});

describe('safetensors reader: every check, each with its own code and message', () => {
  const f32 = (header: string, dataBytes: number) => fileOf(header, new Uint8Array(dataBytes));

  it('accepts a minimal hand-written file and an empty one', () => {
    const r = readSafetensors(f32('{"w":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}   ', 4));
    expect(r.tensors.get('w')).toEqual({ dtype: 'F32', shape: [1], data: new Float32Array(1) });
    expect(readSafetensors(fileOf('{}')).tensors.size).toBe(0);
  });

  it('bounds the header length', () => {
    expect(importError(() => readSafetensors(new Uint8Array(7))).code).toBe('truncated');
    const huge = importError(() => readSafetensors(fileOf('{}', undefined, BigInt(MAX_HEADER_BYTES) + 1n)));
    expect([huge.code, huge.message]).toEqual([
      'header-length',
      'the header length 100000001 is over the limit maxHeaderBytes = 100000000 bytes.',
    ]);
    expect(importError(() => readSafetensors(fileOf('{}', undefined, 2n ** 64n - 1n))).code).toBe('header-length');
    const past = importError(() => readSafetensors(fileOf('{}', undefined, 3n)));
    expect(past.message).toBe('the header length 3 runs past the end of the 10-byte file (at most 2).');
  });

  it('parses the header strictly: UTF-8, an object, no duplicate keys, nothing on the prototype', () => {
    const bad = (header: string | Uint8Array) => importError(() => readSafetensors(typeof header === 'string' ? fileOf(header) : header));
    const latin1 = fileOf('{}');
    latin1[9] = 0xff;
    expect(bad(latin1).message).toBe('the header is not valid UTF-8.');
    expect(bad('[1]').message).toMatch(/must be a JSON object starting with '\{'/);
    expect(bad('{"a":1,"a":2}').message).toBe('header JSON: duplicate key "a" at character 10.');
    expect(bad('{"a":').code).toBe('header-json');
    expect(bad('{} x').message).toMatch(/trailing characters/);
    expect(bad(`{"a":${'['.repeat(40)}${']'.repeat(40)}}`).message).toMatch(/nesting deeper than 16/);
    expect(bad('{"__proto__":{"dtype":"F32","shape":[0],"data_offsets":[0,0]}}').message).toMatch(/not "__proto__"/);
    expect(({} as Record<string, unknown>).dtype).toBeUndefined();
    const parsed = parseStrictJson('{"__proto__": {"x": 1}, "y": [1, -2.5e3, "\\u00e9", true, null]}') as Record<string, unknown>;
    expect(Object.getPrototypeOf(parsed)).toBeNull();
    expect(Object.keys(parsed)).toEqual(['__proto__', 'y']);
    expect(parsed.y).toEqual([1, -2500, 'é', true, null]);
  });

  it('checks entries, dtypes and shapes', () => {
    const entry = (e: string, bytes = 4) => importError(() => readSafetensors(f32(`{"w":${e}}`, bytes)));
    expect(entry('{"dtype":"F32","shape":[1]}').message).toBe(
      'tensor "w": the entry has fields [dtype, shape], allowed exactly dtype, shape, data_offsets.',
    );
    expect(entry('[]').code).toBe('tensor-entry');
    expect(entry('{"dtype":"F16","shape":[2],"data_offsets":[0,4]}').message).toBe(
      'tensor "w": dtype "F16" is a safetensors dtype this reader does not take; allowed F32, I32, F64.',
    );
    expect(entry('{"dtype":"X","shape":[1],"data_offsets":[0,4]}').message).toMatch(/dtype "X" is not a safetensors dtype/);
    expect(entry('{"dtype":"F32","shape":[-1],"data_offsets":[0,4]}').code).toBe('shape');
    expect(entry('{"dtype":"F32","shape":[1.5],"data_offsets":[0,4]}').code).toBe('shape');
    expect(entry('{"dtype":"F32","shape":["1"],"data_offsets":[0,4]}').code).toBe('shape');
    expect(entry('{"dtype":"F32","shape":[2],"data_offsets":[0,4]}').message).toBe(
      'tensor "w": F32 [2] needs 8 bytes but data_offsets [0, 4] hold 4.',
    );
    expect(entry('{"dtype":"F32","shape":[4294967296,4294967296,4294967296],"data_offsets":[0,4]}').message).toMatch(
      /more elements than any file can hold/,
    );
    expect(readSafetensors(f32('{"w":{"dtype":"F32","shape":[0],"data_offsets":[0,0]}}', 0)).tensors.get('w')?.data.length).toBe(0);
    expect(importError(() => readSafetensors(f32('{"":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}', 4))).message).toMatch(
      /names must be non-empty/,
    );
  });

  it('checks byte ranges: inside, ordered, no overlap, no hole, covering the data section', () => {
    const w = (o: string, shape = 1) => `"dtype":"F32","shape":[${shape}],"data_offsets":${o}`;
    const bad = (header: string, bytes: number) => importError(() => readSafetensors(f32(header, bytes)));
    expect(bad(`{"w":{${w('[0,8]', 2)}}}`, 4).message).toBe('tensor "w": data_offsets [0, 8] do not lie inside the 4-byte data section.');
    expect(bad(`{"w":{${w('[4,0]')}}}`, 4).code).toBe('offsets');
    expect(bad(`{"w":{${w('[0]')}}}`, 4).message).toMatch(/data_offsets must be two non-negative integers/);
    expect(bad(`{"a":{${w('[0,4]')}},"b":{${w('[2,6]')}}}`, 8).message).toBe(
      'tensor "b": bytes [2, 6) overlap the previous tensor, which ends at 4.',
    );
    expect(bad(`{"a":{${w('[0,4]')}},"b":{${w('[8,12]')}}}`, 12).message).toMatch(/tensor "b": a hole of 4 bytes before it/);
    expect(bad(`{"a":{${w('[0,4]')}}}`, 8).message).toBe(
      'the tensors cover 4 bytes but the data section has 8: 4 bytes belong to no tensor.',
    );
    // Out of order in the header is fine: only the byte ranges must tile the data.
    const ok = readSafetensors(f32(`{"b":{${w('[4,8]')}},"a":{${w('[0,4]')}}}`, 8));
    expect([...ok.tensors.keys()]).toEqual(['a', 'b']);
  });

  it('checks __metadata__: an object of strings', () => {
    const bad = (m: string) => importError(() => readSafetensors(fileOf(`{"__metadata__":${m}}`)));
    expect(bad('{"config":{"layers":2}}').message).toBe('__metadata__ "config" must be a string, got object.');
    expect(bad('[]').code).toBe('metadata');
    expect(bad('{"a":null}').message).toMatch(/got null/);
    expect(readSafetensors(fileOf('{"__metadata__":{"format":"pt"}}')).metadata.get('format')).toBe('pt');
  });
});
