import { describe, expect, it } from 'vitest';
import { uniformStream } from '../engine/cpu/random';
import { ImportError } from './errors';
import { readSafetensors, writeSafetensors, type Tensor } from './safetensors';

const base = writeSafetensors(
  {
    'embed.tokens.weight': { dtype: 'F32', shape: [4, 3], data: Float32Array.from({ length: 12 }, (_, i) => i / 7) },
    'layers.0.attn.conv.weight': { dtype: 'F32', shape: [2, 5], data: new Float32Array(10).fill(0.25) },
    labels: { dtype: 'I32', shape: [3], data: Int32Array.from([1, 2, 3]) },
    step: { dtype: 'F64', shape: [], data: Float64Array.from([42]) },
    empty: { dtype: 'F32', shape: [0], data: new Float32Array(0) },
  } satisfies Record<string, Tensor>,
  { config: JSON.stringify({ attention: 'proxy', layers: 2 }), format: 'pt' },
);
const headerLength = Number(new DataView(base.buffer).getBigUint64(0, true));
const headerText = new TextDecoder().decode(base.subarray(8, 8 + headerLength));
const dataSection = base.subarray(8 + headerLength);

const TOKENS = [
  '{',
  '}',
  '[',
  ']',
  ',',
  ':',
  '"',
  '-1',
  '0',
  '1e400',
  '4294967296',
  '9007199254740993',
  '1.5',
  'null',
  'true',
  '"F16"',
  '"I32"',
  '"F64"',
  '"__proto__"',
  '"__metadata__"',
  '"dtype"',
  '"shape"',
  '"data_offsets"',
  '[0,0]',
  '[]',
  '{}',
  '\\u0000',
  '\\ud800',
  ' ',
];

function withHeader(text: string, data: Uint8Array, lengthDelta = 0): Uint8Array {
  const h = new TextEncoder().encode(text);
  const out = new Uint8Array(8 + h.length + data.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(Math.max(0, h.length + lengthDelta)), true);
  out.set(h, 8);
  out.set(data, 8 + h.length);
  return out;
}

/** One mutated file; the kinds cover bytes, lengths, and the JSON's structure. */
function mutate(rand: () => number): Uint8Array {
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rand() * xs.length)];
  const kind = Math.floor(rand() * 8);
  if (kind === 7) {
    // Give a metadata value another JSON type (or another string).
    return withHeader(headerText.replace('"pt"', pick(['1', 'null', '[]', '{}', '{"a":"b"}', 'true', '"tf"', '"é"'])), dataSection);
  }
  if (kind === 0) {
    const out = base.slice();
    for (let k = 1 + Math.floor(rand() * 4); k > 0; k--) out[Math.floor(rand() * out.length)] ^= 1 << Math.floor(rand() * 8);
    return out;
  }
  if (kind === 1) return base.slice(0, Math.floor(rand() * base.length));
  if (kind === 2) {
    const out = base.slice();
    out[8 + Math.floor(rand() * headerLength)] = Math.floor(rand() * 256);
    return out;
  }
  if (kind === 3) {
    const out = base.slice();
    new DataView(out.buffer).setBigUint64(0, BigInt(Math.floor(rand() * 2 ** 32)) * BigInt(rand() < 0.5 ? 1 : 2 ** 20), true);
    return out;
  }
  if (kind === 4) {
    // Replace a number in the header with another (offsets, shapes).
    const numbers = [...headerText.matchAll(/\d+/g)];
    const m = pick(numbers);
    const replacement = pick(['0', '1', '-4', '3.5', '1e3', '48', '52', '65536', '18446744073709551616', String(Math.floor(rand() * 200))]);
    return withHeader(headerText.slice(0, m.index) + replacement + headerText.slice(m.index + m[0].length), dataSection);
  }
  if (kind === 5) {
    // Insert, delete or replace a JSON token.
    const at = Math.floor(rand() * headerText.length);
    const cut = rand() < 0.5 ? Math.floor(rand() * 6) : 0;
    return withHeader(headerText.slice(0, at) + pick(TOKENS) + headerText.slice(at + cut), dataSection);
  }
  // Data section longer or shorter, or a header length off by a few.
  const extra = Math.floor(rand() * 9) - 4;
  const data = extra >= 0 ? new Uint8Array([...dataSection, ...new Uint8Array(extra)]) : dataSection.slice(0, dataSection.length + extra);
  return withHeader(headerText, data, rand() < 0.5 ? 0 : Math.floor(rand() * 5) - 2);
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

describe('safetensors reader under fuzzing', () => {
  it('answers 6000 mutated and truncated files with a tensor map or an ImportError, nothing else', () => {
    const rand = uniformStream(0x5afe);
    const codes = new Map<string, number>();
    let accepted = 0;
    for (let i = 0; i < 6000; i++) {
      const file = mutate(rand);
      const before = file.slice();
      try {
        const { tensors, metadata } = readSafetensors(file);
        accepted++;
        // What is accepted is self-consistent.
        for (const [name, t] of tensors) {
          if (t.data.length !== t.shape.reduce((p, d) => p * d, 1))
            throw new Error(`case ${i}: ${name} has a shape that does not match its data`);
        }
        for (const [k, v] of metadata)
          if (typeof k !== 'string' || typeof v !== 'string') throw new Error(`case ${i}: metadata ${k} is not a string`);
      } catch (e) {
        if (!(e instanceof ImportError)) throw new Error(`case ${i}: ${String(e)} is not an ImportError`);
        if (e.message.length < 10) throw new Error(`case ${i}: message too short: ${e.message}`);
        codes.set(e.code, (codes.get(e.code) ?? 0) + 1);
      }
      if (!sameBytes(file, before)) throw new Error(`case ${i}: the reader wrote to its input`);
    }
    // The mutations reach every check, and some survive (mutated float values, padding).
    expect([...codes.keys()].sort()).toEqual([
      'dtype',
      'header-json',
      'header-length',
      'metadata',
      'offsets',
      'shape',
      'tensor-entry',
      'truncated',
    ]);
    expect(accepted).toBeGreaterThan(100);
  });
});
