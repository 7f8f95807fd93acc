/** The graph builder on its own: names, initializers, attributes, and a tiny model onnxruntime runs. */
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { GraphBuilder, float, int } from './graph.ts';
import { modelProtoType } from './proto.ts';
import { onnxCheck } from './testing/harness.ts';

describe('GraphBuilder', () => {
  it('builds a model that the onnx checker accepts and onnxruntime runs', async () => {
    const g = new GraphBuilder();
    const x = g.input('x', 'float32', ['batch', 3]);
    const w = g.initializer('w', Float32Array.from([1, 2, 3]), [3]);
    const scaled = g.node('Mul', [x, w]);
    const summed = g.node('ReduceSum', [scaled, g.constInt64([1])], { keepdims: int(0) });
    g.output('y', g.node('LeakyRelu', [summed], { alpha: float(0.5) }), ['batch']);
    const bytes = g.encode('tiny', 'a test graph');
    onnxCheck(bytes);
    const session = await ort.InferenceSession.create(bytes, { executionProviders: ['cpu'] });
    const out = await session.run({ x: new ort.Tensor('float32', Float32Array.from([1, 1, 1, -1, 0, 0]), [2, 3]) });
    expect(Array.from(out.y.data as Float32Array)).toEqual([6, -0.5]);
    const decoded = modelProtoType().toObject(modelProtoType().decode(bytes), { longs: Number });
    expect(decoded.ir_version).toBe(8);
    expect(decoded.opset_import).toEqual([{ domain: '', version: 17 }]);
  });

  it('builds a node with two outputs (TopK: values and indices) that onnxruntime runs', async () => {
    const g = new GraphBuilder();
    const x = g.input('x', 'float32', [4]);
    const [values, indices] = g.nodeOutputs('TopK', [x, g.constInt64([4])], { axis: int(-1), largest: int(0), sorted: int(1) }, 2, 'sort');
    expect([values, indices]).toEqual(['sort.0', 'sort.1']);
    g.output('values', values, [4]);
    g.output('indices', indices, [4], 'int64');
    const bytes = g.encode('topk', 'a test graph');
    onnxCheck(bytes);
    const session = await ort.InferenceSession.create(bytes, { executionProviders: ['cpu'] });
    const out = await session.run({ x: new ort.Tensor('float32', Float32Array.from([3, 0, 2, 1]), [4]) });
    expect(Array.from(out.values.data as Float32Array)).toEqual([0, 1, 2, 3]);
    expect(Array.from(out.indices.data as BigInt64Array, Number)).toEqual([1, 3, 2, 0]);
  });

  it('gives repeated hints unique names inside scopes', () => {
    const g = new GraphBuilder();
    const x = g.input('x', 'float32', [2]);
    const a = g.scoped('layers.0', () => g.node('Relu', [x]));
    const b = g.scoped('layers.0', () => g.node('Relu', [x]));
    expect(a).toBe('layers.0/Relu');
    expect(b).toBe('layers.0/Relu_1');
  });

  it('shares an initializer added twice with the same contents and refuses different contents', () => {
    const g = new GraphBuilder();
    expect(g.initializer('w', Float32Array.from([1, 2]), [2])).toBe('w');
    expect(g.initializer('w', Float32Array.from([1, 2]), [2])).toBe('w');
    expect(() => g.initializer('w', Float32Array.from([1, 3]), [2])).toThrow('initializer w is declared twice with different contents');
    expect(() => g.initializer('v', Float32Array.from([1, 2]), [3])).toThrow('initializer v: 2 values for shape [3] (3)');
    expect(g.constFloat([0.5], [])).toBe(g.constFloat([0.5], []));
  });

  it('refuses non-integer int attributes and an output name used twice', () => {
    const g = new GraphBuilder();
    const x = g.input('x', 'float32', [2]);
    expect(() => g.node('Softmax', [x], { axis: int(0.5) })).toThrow('attribute axis: int value 0.5 is not a finite integer');
    g.output('y', x, [2]);
    expect(() => g.output('y', x, [2])).toThrow('ONNX value name y is used twice');
  });
});
