import { unzipSync, zipSync, type Zippable } from 'fflate';
import { describe, expect, it } from 'vitest';
import { randomWeights } from '../testing/random';
import { parameterShapes } from '../onnx/config';
import { ExportError, ImportError, type ImportErrorCode } from '../errors';
import { exportOnnx } from '../onnx/export';
import { readSafetensors, writeSafetensors, type Tensor } from '../safetensors';
import { importRun, readBundle, readWeightsFile, writeBundle } from './index';
import { sampleMetrics, sampleOptimizer, tinyRunConfig } from './testing/fixtures';

const config = tinyRunConfig();
const weights = randomWeights(parameterShapes(config));
const good = writeBundle({ config, weights, metrics: sampleMetrics(), optimizer: sampleOptimizer(config) }, { onnx: true });
const entries = unzipSync(good);

function rezip(changes: Record<string, Uint8Array | null>): Uint8Array {
  const out: Zippable = {};
  for (const [name, data] of Object.entries({ ...entries, ...changes })) if (data) out[name] = data;
  return zipSync(out);
}

function refused(read: () => unknown, code: ImportErrorCode, ...words: (string | RegExp)[]): ImportError {
  let caught: unknown;
  try {
    read();
  } catch (err) {
    caught = err;
  }
  expect(caught).toBeInstanceOf(ImportError);
  const e = caught as ImportError;
  expect(e.code, e.message).toBe(code);
  for (const w of words) expect(e.message).toMatch(w);
  return e;
}

const bits = (a: Float32Array) => new Uint32Array(a.buffer, a.byteOffset, a.length);
const tensorsOf = (w: Map<string, Float32Array>, shapes = new Map<string, number[]>()) =>
  new Map<string, Tensor>([...w].map(([k, v]) => [k, { dtype: 'F32', shape: shapes.get(k) ?? [v.length], data: v }]));
const modelTensors = readSafetensors(entries['model.safetensors']);

describe('run bundle round trip', () => {
  it('write → read gives bitwise-identical weights, the same config, metrics and optimizer state', () => {
    const before = good.slice();
    const run = readBundle(good);
    expect(good).toEqual(before); // the input is never written
    expect(run.source).toBe('bundle');
    expect(run.config).toEqual(config);
    expect([...run.weights.keys()]).toEqual([...weights.keys()]);
    for (const [name, w] of weights) expect(bits(run.weights.get(name)!), name).toEqual(bits(w));
    expect(run.metrics!.toCsv()).toBe(sampleMetrics().toCsv());
    const opt = sampleOptimizer(config);
    expect(run.optimizer!.step).toBe(opt.step);
    for (const [name, m] of opt.expAvg) expect(bits(run.optimizer!.expAvg.get(name)!)).toEqual(bits(m));
    for (const [name, v] of opt.expAvgSq) expect(bits(run.optimizer!.expAvgSq.get(name)!)).toEqual(bits(v));
    expect(new Uint8Array(run.onnx!)).toEqual(new Uint8Array(exportOnnx(config, weights)));
    expect(run.notices).toEqual([]);
  });

  it('writes the files and metadata python/proxyformer/bundle.py reads, deterministically', () => {
    expect(Object.keys(entries).sort()).toEqual(['config.json', 'metrics.csv', 'model.onnx', 'model.safetensors', 'optimizer.safetensors']);
    const meta = modelTensors.metadata;
    expect(JSON.parse(meta.get('config')!)).toEqual(config);
    expect(meta.get('format')).toBe('proxyformer-playground/model');
    expect(meta.get('version')).toBe('1');
    expect(JSON.parse(new TextDecoder().decode(entries['config.json']))).toEqual(config);
    expect(new TextDecoder().decode(entries['metrics.csv']).split('\n')[0]).toMatch(/^step,/);
    expect(writeBundle({ config, weights, metrics: sampleMetrics(), optimizer: sampleOptimizer(config) }, { onnx: true })).toEqual(good);
    const minimal = unzipSync(writeBundle({ config, weights }));
    expect(Object.keys(minimal).sort()).toEqual(['config.json', 'metrics.csv', 'model.safetensors']);
  });

  it('reads a bundle as the PyTorch reference writes it (metadata config only, extra metrics column)', () => {
    const model = writeSafetensors(modelTensors.tensors, { config: JSON.stringify(config) });
    const csv = 'step,split,loss,taskLoss,contrastiveLoss,lr\n1,train,2.5,2.4,0.1,0.001\n2,train,2.25,,0.1,0.001\n';
    const run = readBundle(
      zipSync({ 'model.safetensors': model, 'config.json': entries['config.json'], 'metrics.csv': new TextEncoder().encode(csv) }),
    );
    expect(run.metrics!.column('loss')).toEqual(Float64Array.from([2.5, 2.25]));
    expect(Number.isNaN(run.metrics!.column('taskLoss')[1])).toBe(true);
    expect(run.notices.join(' ')).toMatch(/column\(s\) split ignored/);
    expect(run.optimizer).toBeNull();
  });

  it('refuses configs and weights that do not fit together when writing', () => {
    expect(() => writeBundle({ config, weights: new Map([...weights].slice(1)) })).toThrow(ExportError);
    expect(() => writeBundle({ config: { ...config, numClasses: 3 }, weights })).toThrow(/numClasses 3 does not match task listops/);
    // A stray key is not written (the PyTorch reference refuses unknown keys).
    const stray = unzipSync(writeBundle({ config: { ...config, uiTab: 'charts' } as typeof config, weights }));
    expect(JSON.parse(new TextDecoder().decode(stray['config.json']))).toEqual(config);
  });
});

describe('bundles of the LRA baselines (Linformer E, Performer features)', () => {
  const variants: [string, Record<string, unknown>, string[], string[]][] = [
    ['linformer, shared E', { attention: 'linformer', linformerK: 3, layers: 2 }, ['linformer_e'], []],
    [
      'linformer, per-layer E',
      { attention: 'linformer', linformerK: 3, layers: 2, linformerSharing: 'per-layer' },
      ['layers.0.attn.linformer_e', 'layers.1.attn.linformer_e'],
      [],
    ],
    [
      'performer, softmax kernel',
      { attention: 'performer', performerFeatures: 6, performerKernel: 'softmax', layers: 2 },
      [],
      ['layers.0.attn.features', 'layers.1.attn.features'],
    ],
    ['linear', { attention: 'linear' }, [], []],
  ];
  it.each(variants)(
    '%s: every state tensor round-trips; the optimizer file covers the trainable ones only',
    (_, over, trainableExtra, state) => {
      const c = tinyRunConfig(over);
      const w = randomWeights(parameterShapes(c), 4);
      for (const name of [...trainableExtra, ...state]) expect(w.has(name), name).toBe(true);
      expect([...w.keys()].filter((k) => /linformer_e|features/.test(k))).toEqual([...trainableExtra, ...state]);
      const opt = sampleOptimizer(c);
      for (const name of state) expect(opt.expAvg.has(name), name).toBe(false);
      const bytes = writeBundle({ config: c, weights: w, optimizer: opt }, { onnx: true });
      const files = unzipSync(bytes);
      const model = readSafetensors(files['model.safetensors']).tensors;
      for (const name of state) expect(model.get(name)!.shape).toEqual([6, 4]);
      const moments = [...readSafetensors(files['optimizer.safetensors']).tensors.keys()];
      for (const name of trainableExtra) expect(moments).toContain(`${name}.exp_avg`);
      for (const name of state) expect(moments.some((m) => m.startsWith(name))).toBe(false);
      const run = readBundle(bytes);
      for (const [name, data] of w) expect(bits(run.weights.get(name)!), name).toEqual(bits(data));
      expect([...run.optimizer!.expAvg.keys()]).toEqual([...opt.expAvg.keys()]);
    },
  );

  it('refuses a Performer bundle without its features, and moments for the features', () => {
    const c = tinyRunConfig({ attention: 'performer', performerFeatures: 6 });
    const bytes = writeBundle({ config: c, weights: randomWeights(parameterShapes(c)), optimizer: sampleOptimizer(c) });
    const files = unzipSync(bytes);
    const model = readSafetensors(files['model.safetensors']);
    const t = new Map(model.tensors);
    t.delete('layers.0.attn.features');
    const without = zipSync({ ...files, 'model.safetensors': writeSafetensors(t, model.metadata) });
    refused(() => readBundle(without), 'mismatch', /missing layers\.0\.attn\.features/);
    const opt = readSafetensors(files['optimizer.safetensors']);
    const extra = new Map(opt.tensors);
    extra.set('layers.0.attn.features.exp_avg', { dtype: 'F32', shape: [6, 4], data: new Float32Array(24) });
    extra.set('layers.0.attn.features.exp_avg_sq', { dtype: 'F32', shape: [6, 4], data: new Float32Array(24) });
    refused(
      () => readBundle(zipSync({ ...files, 'optimizer.safetensors': writeSafetensors(extra, opt.metadata) })),
      'mismatch',
      /unexpected layers\.0\.attn\.features\.exp_avg/,
    );
    const withState = sampleOptimizer(c);
    (withState.expAvg as Map<string, Float32Array>).set('layers.0.attn.features', new Float32Array(24));
    expect(() => writeBundle({ config: c, weights: randomWeights(parameterShapes(c)), optimizer: withState })).toThrow(
      /names parameter\(s\) the config does not have: layers\.0\.attn\.features/,
    );
  });
});

describe('bundle import refuses bad files with a typed error naming the problem', () => {
  it('not a zip, unknown or missing entries, too many entries', () => {
    refused(() => readBundle(new TextEncoder().encode('PK not a zip at all, just text')), 'bundle', /not a zip archive/);
    refused(
      () => readBundle(rezip({ 'model.onnx': null, 'notes.txt': new Uint8Array(3) })),
      'bundle',
      /"notes.txt", which is not a bundle file; allowed: model.safetensors, config.json/,
    );
    refused(() => readBundle(rezip({ 'model.safetensors': null })), 'bundle', /lacks model.safetensors/);
    refused(
      () => readBundle(good, { limits: { maxEntries: 3 } }),
      'limit',
      /the zip's entries .*: 5, over the import limit maxEntries = 3/,
    );
  });

  it('checks declared sizes before inflating (zip bombs) and the CRC after', () => {
    refused(
      () => readBundle(good, { limits: { maxEntryBytes: 1000 } }),
      'limit',
      /declares its uncompressed bytes as: \d+, over the import limit maxEntryBytes = 1000/,
    );
    refused(() => readBundle(good, { limits: { maxTotalBytes: 5000 } }), 'limit', /over the import limit maxTotalBytes = 5000/);
    // A deflated entry that claims a 4 GB-ish size: refused from the declaration alone.
    const bomb = zipSync({ 'metrics.csv': new Uint8Array(100) });
    const view = new DataView(bomb.buffer);
    const dir = view.getUint32(bomb.length - 22 + 16, true);
    view.setUint32(dir + 24, 0xfffffff0, true);
    refused(
      () => readBundle(bomb),
      'limit',
      /metrics.csv declares its uncompressed bytes as: 4294967280, over the import limit maxMetricsBytes/,
    );
    view.setUint32(dir + 24, 200_000, true);
    refused(() => readBundle(bomb), 'bundle', /more than deflate can expand/);
    const stored = zipSync({ 'model.safetensors': [entries['model.safetensors'], { level: 0 }] });
    stored[200] ^= 0x10; // inside the stored weights: every structure stays valid, only the CRC notices
    refused(() => readBundle(stored), 'bundle', /model.safetensors fails its CRC-32 check/);
  });

  it('config: disagreement with the metadata, schema errors, non-UTF-8, prototype keys', () => {
    const other = { ...config, landmarks: 2 };
    refused(() => readBundle(rezip({ 'config.json': new TextEncoder().encode(JSON.stringify(other)) })), 'config', /disagree on landmarks/);
    refused(
      () => readBundle(rezip({ 'config.json': new TextEncoder().encode(JSON.stringify({ ...config, numClasses: 3 })) })),
      'config',
      /config.json: numClasses 3/,
    );
    refused(() => readBundle(rezip({ 'config.json': Uint8Array.from([0x7b, 0xff, 0xfe, 0x7d]) })), 'config', /not valid UTF-8/);
    refused(() => readBundle(rezip({ 'config.json': new TextEncoder().encode('{"a":1,"a":2}') })), 'config', /duplicate key "a"/);
    const proto = JSON.stringify(config).replace('{', '{"__proto__":{"polluted":true},');
    const run = readBundle(rezip({ 'config.json': new TextEncoder().encode(proto) }));
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(run.notices.join(' ')).toMatch(/unknown key "__proto__" ignored/);
  });

  it('weights: missing, unexpected, mis-shaped and non-F32 tensors are all named', () => {
    const t = new Map(modelTensors.tensors);
    t.delete('norm.bias');
    t.set('extra.weight', { dtype: 'F32', shape: [2], data: new Float32Array(2) });
    t.set('head.fc2.bias', { dtype: 'F32', shape: [3], data: new Float32Array(3) });
    t.set('norm.weight', { dtype: 'F64', shape: [8], data: new Float64Array(8) });
    const model = writeSafetensors(t, modelTensors.metadata);
    refused(
      () => readBundle(rezip({ 'model.safetensors': model })),
      'mismatch',
      /missing norm.bias/,
      /unexpected extra.weight/,
      /not F32: norm.weight is F64/,
      /wrong shape: head.fc2.bias is \[3\], expected \[10\]/,
    );
    refused(
      () => readBundle(rezip({ 'model.safetensors': entries['model.safetensors'].subarray(0, 100) })),
      'header-length',
      /^model.safetensors: the header length/,
    );
    const meta = new Map(modelTensors.metadata);
    meta.set('format', 'proxyformer-playground/adamw');
    refused(
      () => readBundle(rezip({ 'model.safetensors': writeSafetensors(modelTensors.tensors, meta) })),
      'metadata',
      /is not a model file/,
    );
    meta.set('format', 'proxyformer-playground/model');
    meta.set('version', '9');
    refused(
      () => readBundle(rezip({ 'model.safetensors': writeSafetensors(modelTensors.tensors, meta) })),
      'metadata',
      /version "9" is not one this version reads/,
    );
  });

  it('optimizer state must cover every parameter with both moments and carry its step', () => {
    const opt = readSafetensors(entries['optimizer.safetensors']);
    const t = new Map(opt.tensors);
    t.delete('norm.bias.exp_avg_sq');
    refused(
      () => readBundle(rezip({ 'optimizer.safetensors': writeSafetensors(t, opt.metadata) })),
      'mismatch',
      /missing norm.bias.exp_avg_sq/,
    );
    const meta = new Map(opt.metadata);
    meta.set('step', '-3');
    refused(
      () => readBundle(rezip({ 'optimizer.safetensors': writeSafetensors(opt.tensors, meta) })),
      'metadata',
      /step must be a non-negative integer/,
    );
  });

  it('a bare safetensors file needs a config (metadata or file), and both must agree', () => {
    const bare = writeSafetensors(tensorsOf(weights, new Map([...modelTensors.tensors].map(([k, v]) => [k, v.shape]))));
    refused(() => readWeightsFile(bare), 'config', /no __metadata__.config and no config file/);
    const run = importRun(bare, JSON.stringify(config));
    expect(run.source).toBe('safetensors');
    for (const [name, w] of weights) expect(bits(run.weights.get(name)!)).toEqual(bits(w));
    expect(importRun(entries['model.safetensors']).config).toEqual(config);
    refused(
      () => importRun(entries['model.safetensors'], JSON.stringify({ ...config, dModel: 16 })),
      'config',
      /the config file and the the weights file metadata disagree on dModel/,
    );
    refused(() => importRun(good, '{}'), 'bundle', /carries its own config.json/);
    refused(() => importRun(good.subarray(0, 300)), 'bundle', /not a zip archive/); // a truncated download is still recognised as a zip
  });
});
