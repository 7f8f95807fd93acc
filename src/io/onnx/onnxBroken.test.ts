/**
 * The parity comparison can fail: an export whose K2 is transposed before the pseudo-inverse,
 * a Performer export that forgets to zero padded keys before φ, a BigBird export that ignores
 * its stored random blocks or the padding of its sparse rows, or a Reformer export without its
 * self-mask or its padding bucket (plausible slips, and still valid ONNX files the checker
 * accepts), must miss the PyTorch logits by far more than the tolerance of export.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { exportOnnx } from './export.ts';
import { DataType, modelProtoType, type ModelMessage, type NodeMessage } from './proto.ts';
import { PARITY_TOLERANCE as TOLERANCE, onnxCheck, relativeError, runOrt, runPytorch, tinyConfig } from './testing/harness.ts';
import { randomWeights, randomBatch } from '../testing/random.ts';
import { parameterShapes, type ExportConfig } from './config.ts';

/** Decodes an exported model, transposes K2 of layer 0 for every consumer, and encodes it again. */
function transposeK2(bytes: Uint8Array): Uint8Array {
  const type = modelProtoType();
  const model = type.toObject(type.decode(bytes), { longs: Number, defaults: false }) as ModelMessage;
  const nodes = model.graph.node as NodeMessage[];
  const k2 = nodes.find((n) => n.output[0] === 'layers.0.K2')!.input[0];
  const swapped = `${k2}/broken_T`;
  for (const n of nodes) n.input = n.input.map((i) => (i === k2 ? swapped : i));
  const at = nodes.findIndex((n) => n.output[0] === k2) + 1;
  nodes.splice(at, 0, {
    name: swapped,
    op_type: 'Transpose',
    input: [k2],
    output: [swapped],
    attribute: [{ name: 'perm', type: 7, ints: [0, 1, 3, 2] }],
  });
  return type.encode(type.fromObject(model)).finish();
}

/** Decodes an exported Performer model and feeds layer 0's φ(k) the unmasked keys (the Mul by the mask skipped). */
function forgetKeyMask(bytes: Uint8Array): Uint8Array {
  const type = modelProtoType();
  const model = type.toObject(type.decode(bytes), { longs: Number, defaults: false }) as ModelMessage;
  const nodes = model.graph.node as NodeMessage[];
  const wT = nodes.find((n) => n.op_type === 'Transpose' && n.input[0] === 'layers.0.attn.features')!.output[0];
  const producer = new Map(nodes.map((n) => [n.output[0], n]));
  // x Wᵀ for queries reads scale(q); for keys it reads Mul(scale(k), keep): skip that Mul.
  const projections = nodes.filter((n) => n.op_type === 'MatMul' && n.input[1] === wT);
  const keyProjections = projections.filter((n) => producer.get(n.input[0])?.input[1]?.includes('Reshape'));
  if (projections.length !== 2 || keyProjections.length !== 1)
    throw new Error(`expected x Wᵀ for q and k, found ${projections.length} (${keyProjections.length} masked)`);
  const keyProjection = keyProjections[0];
  keyProjection.input = [producer.get(keyProjection.input[0])!.input[0], wT];
  return type.encode(type.fromObject(model)).finish();
}

/** Decodes an exported model, lets `edit` change it, and encodes it again. */
function rewrite(bytes: Uint8Array, edit: (model: ModelMessage) => void): Uint8Array {
  const type = modelProtoType();
  const model = type.toObject(type.decode(bytes), { longs: Number, defaults: false }) as ModelMessage;
  edit(model);
  return type.encode(type.fromObject(model)).finish();
}

/** BigBird that ignores its random blocks: every layer's random slots (slot 5 on, of b columns each) counted as empty. */
function ignoreRandomBlocks(bytes: Uint8Array, b: number): Uint8Array {
  return rewrite(bytes, (model) => {
    const valid = model.graph.initializer.filter((t) => /^layers\.\d+\.attn\.slot_valid$/.test(t.name));
    if (valid.length === 0) throw new Error('no slot_valid initializer');
    for (const t of valid) {
      const [rows, width] = t.dims;
      const values = new Float32Array(Uint8Array.from(t.raw_data).buffer);
      for (let row = 0; row < rows; row++) values.fill(0, row * width + 5 * b, (row + 1) * width);
      t.raw_data = new Uint8Array(values.buffer);
    }
  });
}

/** BigBird that forgets padding in its sparse rows (the engine's `forgetKeyMask` fault): keep = slot counts alone. */
function forgetSparseKeyMask(bytes: Uint8Array): Uint8Array {
  return rewrite(bytes, (model) => {
    model.graph.initializer.push({
      name: 'broken_one',
      dims: [],
      data_type: DataType.FLOAT,
      raw_data: new Uint8Array(Float32Array.of(1).buffer),
    });
    const nodes = model.graph.node;
    const keeps = nodes.filter((n) => n.op_type === 'Mul' && /\.attn\.slot_valid$/.test(n.input[1]));
    if (keeps.length === 0) throw new Error('no mask · slot_valid product');
    for (const keep of keeps) {
      const ones = `${keep.input[0]}/broken_ones`;
      nodes.splice(nodes.indexOf(keep), 0, {
        name: ones,
        op_type: 'Max',
        input: [keep.input[0], 'broken_one'],
        output: [ones],
        attribute: [],
      });
      keep.input = [ones, keep.input[1]];
    }
  });
}

/**
 * Reformer that skips, in every layer, the Where node named `step` (`self_mask`: tokens attend to
 * themselves; `padding_bucket`: padded tokens are hashed like valid ones and no longer sort last):
 * its consumers read the input it would have replaced.
 */
function skipReformerStep(bytes: Uint8Array, step: 'self_mask' | 'padding_bucket'): Uint8Array {
  return rewrite(bytes, (model) => {
    const nodes = model.graph.node as NodeMessage[];
    const skipped = nodes.filter((n) => n.op_type === 'Where' && n.output[0].endsWith(`/${step}`));
    if (skipped.length === 0) throw new Error(`no Where node named ${step}`);
    const bypass = new Map(skipped.map((n) => [n.output[0], n.input[step === 'self_mask' ? 2 : 1]]));
    for (const n of nodes) n.input = n.input.map((i) => bypass.get(i) ?? i);
  });
}

describe('a deliberately broken export', () => {
  it('Reformer without the self-mask, or with padded tokens hashed like valid ones, fails the PyTorch comparison', async () => {
    const c = tinyConfig({ attention: 'reformer', reformerHashes: 2, reformerChunk: 4 });
    const weights = randomWeights(parameterShapes(c));
    const batch = randomBatch(c, c.seqLen, [16, 11, 8]);
    const good = exportOnnx(c, weights);
    const ref = runPytorch(c, weights, batch).get('logits')!.data;
    const error = async (model: Uint8Array) => relativeError((await runOrt(model, c, batch)).logits.data as Float32Array, ref);
    const goodError = await error(good);
    expect(goodError).toBeLessThan(TOLERANCE);
    for (const step of ['self_mask', 'padding_bucket'] as const) {
      const broken = skipReformerStep(good, step);
      onnxCheck(broken);
      const brokenError = await error(broken);
      console.log(`Reformer without ${step}: logits error ${brokenError.toExponential(1)} (correct export ${goodError.toExponential(1)})`);
      expect(brokenError, step).toBeGreaterThan(100 * TOLERANCE);
    }
  });

  const bigbird = tinyConfig({ attention: 'bigbird', seqLen: 32, bigbirdBlock: 4, bigbirdRandom: 3 });
  const performer = tinyConfig({ attention: 'performer', performerKernel: 'relu' });
  // [title, config, valid lengths of the batch's rows, the slip]
  const slips: [string, ExportConfig, number[], (bytes: Uint8Array) => Uint8Array][] = [
    ['BigBird ignoring its random blocks', bigbird, [32, 27, 16], (bytes) => ignoreRandomBlocks(bytes, bigbird.bigbirdBlock)],
    ['BigBird without the key mask in its sparse rows', bigbird, [32, 27, 16], forgetSparseKeyMask],
    ['Performer without the key mask', performer, [16, 11, 8], forgetKeyMask],
  ];
  it.each(slips)('%s passes the checker but fails the PyTorch comparison', async (title, c, lengths, breakIt) => {
    const weights = randomWeights(parameterShapes(c));
    const batch = randomBatch(c, c.seqLen, lengths);
    const good = exportOnnx(c, weights);
    const broken = breakIt(good);
    onnxCheck(broken);
    const ref = runPytorch(c, weights, batch).get('logits')!.data;
    const goodError = relativeError((await runOrt(good, c, batch)).logits.data as Float32Array, ref);
    const brokenError = relativeError((await runOrt(broken, c, batch)).logits.data as Float32Array, ref);
    console.log(`${title}: logits error ${brokenError.toExponential(1)} (correct export ${goodError.toExponential(1)})`);
    expect(goodError).toBeLessThan(TOLERANCE);
    expect(brokenError).toBeGreaterThan(100 * TOLERANCE);
  });

  it('passes the onnx checker but fails the PyTorch comparison', async () => {
    const c = tinyConfig({ attention: 'nystrom', pinvInit: 'per-matrix' });
    const weights = randomWeights(parameterShapes(c));
    const batch = randomBatch(c, c.seqLen, [16, 11, 8]);
    const good = exportOnnx(c, weights, { attentionOutputs: true });
    const broken = transposeK2(good);
    onnxCheck(broken);
    const ref = runPytorch(c, weights, batch).get('logits')!.data;
    const goodError = relativeError((await runOrt(good, c, batch)).logits.data as Float32Array, ref);
    const brokenError = relativeError((await runOrt(broken, c, batch)).logits.data as Float32Array, ref);
    console.log(`K2 transposed: logits error ${brokenError.toExponential(1)} (correct export ${goodError.toExponential(1)})`);
    expect(goodError).toBeLessThan(TOLERANCE);
    expect(brokenError).toBeGreaterThan(100 * TOLERANCE);
  });
});
