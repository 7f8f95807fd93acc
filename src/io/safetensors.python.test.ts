/**
 * Interop with the PyTorch side's reader/writer (`python/proxyformer/safetensors_io.py`, json +
 * numpy only): files written here are read there and the other way round, with the same
 * values, and the same tensors give the same bytes from both writers.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { ImportError } from './errors';
import { readSafetensors, writeSafetensors, type Tensor } from './safetensors';

const PYTHON = '/usr/bin/python3';
const PYTHON_DIR = fileURLToPath(new URL('../../python', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'safetensors-interop-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// Loaded by path: the package's __init__ imports torch, which this reader does not need.
const PRELUDE = `
import importlib.util, json, os, sys
import numpy as np
spec = importlib.util.spec_from_file_location('safetensors_io', os.path.join(os.environ['PYTHONPATH'].split(os.pathsep)[0], 'proxyformer', 'safetensors_io.py'))
st = importlib.util.module_from_spec(spec); spec.loader.exec_module(st)
`;

function python(code: string, ...args: string[]): string {
  return execFileSync(PYTHON, ['-c', PRELUDE + code, ...args], { encoding: 'utf8', env: { ...process.env, PYTHONPATH: PYTHON_DIR } });
}

const tensors: Record<string, Tensor> = {
  'embed.tokens.weight': { dtype: 'F32', shape: [3, 2], data: Float32Array.from([0.1, -2, 3.25, 1e-38, -0, 65504.5]) },
  'head.fc2.bias': { dtype: 'F32', shape: [0], data: new Float32Array(0) },
  labels: { dtype: 'I32', shape: [2, 2], data: Int32Array.from([0, -7, 2147483647, -2147483648]) },
  'optimizer.step': { dtype: 'F64', shape: [], data: Float64Array.from([1234.000001]) },
};
const metadata = { config: JSON.stringify({ attention: 'proxy', lr: 1e-4 }), note: 'Nyströmformer ✓' };

describe('safetensors interop with python/proxyformer/safetensors_io.py', () => {
  it('Python reads what TypeScript writes, value for value', () => {
    const path = join(dir, 'from-ts.safetensors');
    writeFileSync(path, writeSafetensors(tensors, metadata));
    const out = JSON.parse(
      python(
        `
arrays, meta = st.load(sys.argv[1])
print(json.dumps({'tensors': {k: {'dtype': str(v.dtype), 'shape': list(v.shape), 'values': v.ravel().tolist()} for k, v in arrays.items()}, 'meta': meta}))
`,
        path,
      ),
    );
    expect(out.meta).toEqual(metadata);
    const numpyType = { F32: 'float32', I32: 'int32', F64: 'float64' };
    for (const [name, t] of Object.entries(tensors)) {
      expect(out.tensors[name], name).toEqual({
        dtype: numpyType[t.dtype],
        shape: t.shape,
        values: Array.from(t.data as ArrayLike<number>),
      });
    }
  });

  it('TypeScript reads what Python writes, value for value', () => {
    const path = join(dir, 'from-py.safetensors');
    python(
      `
st.save(sys.argv[1], {
  'w': np.arange(6, dtype=np.float32).reshape(2, 3) / 3,
  'ids': np.array([[1, -2], [3, 2**31 - 1]], dtype=np.int32),
  'x': np.array(2.5, dtype=np.float64),
}, {'config': '{"layers": 2}'})
`,
      path,
    );
    const { tensors: got, metadata: meta } = readSafetensors(readFileSync(path));
    expect(meta.get('config')).toBe('{"layers": 2}');
    expect(got.get('w')).toEqual({
      dtype: 'F32',
      shape: [2, 3],
      data: Float32Array.from([0, 1, 2, 3, 4, 5].map((v) => Math.fround(Math.fround(v) / 3))),
    });
    expect(got.get('ids')).toEqual({ dtype: 'I32', shape: [2, 2], data: Int32Array.from([1, -2, 3, 2147483647]) });
    expect(got.get('x')).toEqual({ dtype: 'F64', shape: [], data: Float64Array.from([2.5]) });
  });

  it('both writers produce the same bytes for the same tensors and metadata', () => {
    const path = join(dir, 'same.safetensors');
    python(
      `
st.save(sys.argv[1], {
  'embed.tokens.weight': np.array([0.1, -2, 3.25, 1e-38, -0.0, 65504.5], dtype=np.float32).reshape(3, 2),
  'head.fc2.bias': np.zeros((0,), dtype=np.float32),
  'labels': np.array([0, -7, 2**31 - 1, -2**31], dtype=np.int32).reshape(2, 2),
  'optimizer.step': np.array(1234.000001, dtype=np.float64),
}, json.loads(sys.argv[2]))
`,
      path,
      JSON.stringify(metadata),
    );
    expect(Buffer.from(writeSafetensors(tensors, metadata)).equals(readFileSync(path))).toBe(true);
  });

  it('both readers refuse the same malformed files', () => {
    const cases: Record<string, string> = {
      duplicate: '{"a":{"dtype":"F32","shape":[0],"data_offsets":[0,0]},"a":{"dtype":"F32","shape":[0],"data_offsets":[0,0]}}',
      hole: '{"a":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}',
      shape: '{"a":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}}',
      metadata: '{"__metadata__":{"a":1}}',
    };
    for (const [name, header] of Object.entries(cases)) {
      const h = new TextEncoder().encode(header);
      const file = new Uint8Array(8 + h.length + 8);
      new DataView(file.buffer).setBigUint64(0, BigInt(h.length), true);
      file.set(h, 8);
      const path = join(dir, `bad-${name}.safetensors`);
      writeFileSync(path, file);
      expect(() => readSafetensors(file), name).toThrow(ImportError);
      const verdict = python(
        `
try:
    st.load(sys.argv[1]); print('accepted')
except st.SafetensorsError:
    print('refused')
`,
        path,
      ).trim();
      expect(verdict, name).toBe('refused');
    }
  });
});
