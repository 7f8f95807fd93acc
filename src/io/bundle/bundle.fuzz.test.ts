import { unzipSync, zipSync, type Zippable } from 'fflate';
import { describe, expect, it } from 'vitest';
import { randomWeights } from '../testing/random';
import { uniformStream } from '../../engine/cpu/random';
import { ImportError } from '../errors';
import { parameterShapes } from '../onnx/config';
import { importRun, readBundle, writeBundle, type ImportedRun } from './index';
import { sampleMetrics, sampleOptimizer, tinyRunConfig } from './testing/fixtures';

const config = tinyRunConfig({ layers: 1, dModel: 4, ffn: 4 });
const weights = randomWeights(parameterShapes(config));
// Built once; the fuzz cases mutate copies.
const deflated = writeBundle({ config, weights, metrics: sampleMetrics(3), optimizer: sampleOptimizer(config) });
const entries = unzipSync(deflated);
const stored = zipSync(Object.fromEntries(Object.entries(entries).map(([k, v]) => [k, [v, { level: 0 }]])) as Zippable);
const model = entries['model.safetensors'];
const modelHeaderLength = Number(new DataView(model.buffer, model.byteOffset).getBigUint64(0, true));
const modelHeader = new TextDecoder().decode(model.subarray(8, 8 + modelHeaderLength));
const configText = new TextDecoder().decode(entries['config.json']);

const SNIPPETS = [
  '"__proto__"',
  '{"__proto__":{"x":1}}',
  '[4294967296]',
  '[-1]',
  '[1e400]',
  '"F64"',
  '"F16"',
  'null',
  '{}',
  '[]',
  '"\\ud800"',
  '9007199254740993',
  '0',
  '""',
];

function withHeader(text: string, lengthDelta = 0): Uint8Array {
  const h = new TextEncoder().encode(text);
  const data = model.subarray(8 + modelHeaderLength);
  const out = new Uint8Array(8 + h.length + data.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(Math.max(0, h.length + lengthDelta)), true);
  out.set(h, 8);
  out.set(data, 8 + h.length);
  return out;
}

/** One damaged bundle: bytes, lengths, zip records, entry contents (headers, JSON, encodings). */
function mutateBundle(rand: () => number): Uint8Array {
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rand() * xs.length)];
  const base = rand() < 0.5 ? stored : deflated;
  const at = () => Math.floor(rand() * base.length);
  const rezip = (changes: Record<string, Uint8Array | null>) => {
    const out: Zippable = {};
    for (const [k, v] of Object.entries({ ...entries, ...changes })) if (v) out[k] = [v, { level: rand() < 0.5 ? 0 : 6 }];
    return zipSync(out);
  };
  switch (Math.floor(rand() * 12)) {
    case 0: {
      // bit flips anywhere
      const out = base.slice();
      for (let k = 1 + Math.floor(rand() * 4); k > 0; k--) out[at()] ^= 1 << Math.floor(rand() * 8);
      return out;
    }
    case 1:
      return base.slice(0, at()); // truncation
    case 2: {
      // inserted bytes
      const i = at(),
        extra = Uint8Array.from({ length: 1 + Math.floor(rand() * 16) }, () => Math.floor(rand() * 256));
      const out = new Uint8Array(base.length + extra.length);
      out.set(base.subarray(0, i));
      out.set(extra, i);
      out.set(base.subarray(i), i + extra.length);
      return out;
    }
    case 3: {
      // a 32-bit field of the central directory or end record set to an extreme (sizes, offsets, counts)
      const out = base.slice();
      const view = new DataView(out.buffer);
      const dir = view.getUint32(out.length - 22 + 16, true);
      const field = dir + Math.floor(rand() * (out.length - dir - 4));
      view.setUint32(field, pick([0xffffffff, 0xfffffff0, 0x7fffffff, 0, 1, 65535, out.length]), true);
      return out;
    }
    case 4: {
      // swapped entries
      const names = Object.keys(entries);
      const a = pick(names),
        b = pick(names);
      return rezip({ [a]: entries[b], [b]: entries[a] });
    }
    case 5: // wrong shape / offsets / dtype in the model header
      return rezip({
        'model.safetensors': withHeader(
          modelHeader
            .replace(/\[(\d+)(,\d+)?\]/, (m) => pick(['[3]', '[4,5]', '[]', '[0]', '[2,2,2]', m]))
            .replace(pick(['"F32"', '"shape"', '"data_offsets"', '"config"']), pick(SNIPPETS)),
          pick([0, 0, -1, 1, 1e6]),
        ),
      });
    case 6: {
      // config.json with another value for one key, a prototype key, or damaged text
      const key = pick(Object.keys(config));
      const text =
        rand() < 0.3
          ? configText.replace('{', '{"__proto__":{"polluted":1},')
          : configText.replace(new RegExp(`"${key}": [^,\\n]+`), `"${key}": ${pick(SNIPPETS)}`);
      return rezip({ 'config.json': new TextEncoder().encode(text) });
    }
    case 7: {
      // non-UTF-8 bytes in a text entry
      const name = pick(['config.json', 'metrics.csv']);
      const out = entries[name].slice();
      out[Math.floor(rand() * out.length)] = pick([0xff, 0xc0, 0x80, 0xed]);
      return rezip({ [name]: out });
    }
    case 8: // an entry dropped, or a foreign one added
      return rezip(
        rand() < 0.5
          ? { [pick(Object.keys(entries))]: null }
          : { [pick(['../evil', 'notes.txt', 'model.safetensors/', 'Model.safetensors'])]: new Uint8Array(8) },
      );
    case 9: {
      // a truncated or bit-flipped entry, re-zipped with a valid CRC (only the content checks can notice)
      const name = pick(Object.keys(entries));
      const out = entries[name].slice(0, rand() < 0.5 ? Math.floor(rand() * entries[name].length) : undefined);
      if (out.length) out[Math.floor(rand() * out.length)] ^= 1 << Math.floor(rand() * 8);
      return rezip({ [name]: out });
    }
    case 10: // the end record's comment length or entry count changed
      {
        const out = base.slice();
        new DataView(out.buffer).setUint16(out.length - 22 + pick([8, 10, 20]), Math.floor(rand() * 65536), true);
        return out;
      }
    default: // random bytes with a zip signature
      return Uint8Array.from({ length: Math.floor(rand() * 400) }, (_, i) => (i < 2 ? [0x50, 0x4b][i] : Math.floor(rand() * 256)));
  }
}

/** A result that got through must be complete and consistent with its config. */
function checkAccepted(run: ImportedRun): void {
  const shapes = parameterShapes(run.config);
  expect([...run.weights.keys()]).toEqual([...shapes.keys()]);
  for (const [name, shape] of shapes) expect(run.weights.get(name)!.length).toBe(shape.reduce((a, b) => a * b, 1));
}

describe('bundle import fuzz', () => {
  it('thousands of damaged bundles and weight files give only ImportError or a consistent run, and never change the input', () => {
    const rand = uniformStream(20261128);
    const counts = { accepted: 0, refused: 0 };
    const codes = new Map<string, number>();
    for (let i = 0; i < 3000; i++) {
      const bytes =
        i % 4 === 3 ? withHeader(modelHeader.replace(/"F32"|\[\d+(,\d+)*\]|"config"/, SNIPPETS[i % SNIPPETS.length])) : mutateBundle(rand);
      const copy = bytes.slice();
      try {
        checkAccepted(i % 4 === 3 ? importRun(bytes) : readBundle(bytes));
        counts.accepted++;
      } catch (err) {
        if (!(err instanceof ImportError)) throw new Error(`case ${i}: ${String(err)}\n${(err as Error)?.stack ?? ''}`);
        counts.refused++;
        codes.set(err.code, (codes.get(err.code) ?? 0) + 1);
      }
      // A manual loop: vitest's deep equality takes ~30 ms per 7 kB array.
      if (bytes.length !== copy.length || bytes.some((v, j) => v !== copy[j]))
        throw new Error(`case ${i}: the importer wrote to its input`);
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    // Both outcomes and many distinct checks were exercised (a fuzz that only hits one check proves little).
    expect(counts.refused).toBeGreaterThan(1500);
    expect(counts.accepted).toBeGreaterThan(20);
    expect([...codes.keys()].sort()).toEqual(expect.arrayContaining(['bundle', 'config', 'mismatch', 'header-json', 'offsets', 'shape']));
  });
});
