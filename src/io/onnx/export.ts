/**
 * ONNX export of the inference graph of a trained model: opset 17, inputs `tokens`
 * int32 [batch, n] and `mask` float32 [batch, n] (plus `tokens2`, `mask2` for a two-tower
 * retrieval model), output `logits` [batch, classes], optionally the attention factors
 * `layers.{i}.K1`, `.K2`, `.Z`, `.K3` (softmax: `layers.{i}.attention`; Linformer:
 * `layers.{i}.attention_projected`; Performer and linear attention: `layers.{i}.attention`, the
 * implied matrix with rows divided by their sums; BigBird: `layers.{i}.attention`, the implied
 * matrix, and `layers.{i}.block_pattern`; Reformer: `layers.{i}.lsh_buckets` and
 * `layers.{i}.attention_implied`), suffixed `@2` for the second tower. Factor shapes: K1
 * [batch, H, n, m], K2 and Z [batch, H, m, m], K3 [batch, H, m, n], attention and
 * attention_implied [batch, H, n, n], attention_projected [batch, H, n, k], block_pattern
 * [batch, H, nb, nb], lsh_buckets [batch, H, rounds, n]; with Proxyformer's injection `none` K2
 * and Z are the export-time constants broadcast over the batch. Parameters and state (Linformer's
 * `linformer_e`, Performer's `layers.{i}.attn.features`, Reformer's `layers.{i}.attn.rotations`)
 * keep their contract names as initializers (the cached factors are `layers.{i}.attn.cached_K2` /
 * `cached_Z`); BigBird's `random_blocks` become the gather positions
 * `layers.{i}.attn.block_positions` and the slot mask `layers.{i}.attn.slot_valid`; the config JSON is stored in the
 * model's metadata under `config`. With pinvInit `global` the Z0 scale is a max over the whole
 * batch, so a sample's logits depend on its batch-mates, exactly as in the engine and PyTorch.
 */
import { checkExportConfig, onnxUnsupported, checkWeights, parameterShapes, type ExportConfig } from './config.ts';
import { encoderTower, type ViewSink } from './encoder.ts';
import { GraphBuilder, int, type Dim } from './graph.ts';
import { linear, mul, sub, type ExportContext } from './ops.ts';

export type { ExportConfig } from './config.ts';

export interface ExportOptions {
  /** Add the attention factors of every layer as extra outputs (for the inference view). */
  attentionOutputs?: boolean;
}

/** The .onnx bytes of `config`'s model with `weights` (contract names, PyTorch layouts). */
export function exportOnnx(config: ExportConfig, weights: ReadonlyMap<string, Float32Array>, opts: ExportOptions = {}): Uint8Array {
  checkExportConfig(config);
  const unsupported = onnxUnsupported(config);
  if (unsupported) throw new Error(unsupported);
  const shapes = parameterShapes(config);
  checkWeights(shapes, weights);
  const g = new GraphBuilder();
  const ctx: ExportContext = { g, weights, shapes };
  const views: ViewSink = opts.attentionOutputs ? (name: string, value: string, dims: Dim[]) => g.output(name, value, dims) : null;
  const n = config.seqLen;
  const tower = (suffix: string) => {
    const tokens = g.input(`tokens${suffix}`, 'int32', ['batch', n]);
    const mask = g.input(`mask${suffix}`, 'float32', ['batch', n]);
    return encoderTower(ctx, config, tokens, mask, suffix === '' ? '' : '@2', views);
  };
  let features = tower('');
  if (config.twoTower) {
    const x1 = features,
      x2 = tower('2');
    features = g.node('Concat', [x1, x2, mul(g, x1, x2), sub(g, x1, x2)], { axis: int(-1) }); // [x1, x2, x1*x2, x1−x2]
  }
  const hidden = g.node('Relu', [linear(ctx, features, 'head.fc1')]);
  g.output('logits', linear(ctx, hidden, 'head.fc2'), ['batch', config.numClasses]);
  const doc = `${config.attention} attention encoder, ${config.layers} layer(s), inference graph (no dropout)`;
  return g.encode('proxyformer_playground', doc, { config: JSON.stringify(config) });
}
