/**
 * The model keys the exporter reads (docs/model-contract.md, "Config JSON"), checked by the
 * config schema and rules of src/config, and the contract's parameter names and shapes for a
 * config. Training-only keys (dropout, contrastive loss, decomposed dropout) do not change the
 * inference graph.
 */

import { checkShapeRules, checkValue, paramSpec, reformerBuckets, usesLandmarks, type ModelConfig } from '../../config/index.ts';

/** The model keys that decide the inference graph (the training-only ones are left out). */
export const EXPORT_KEYS = [
  'attention',
  'layers',
  'dModel',
  'heads',
  'ffn',
  'vocabSize',
  'numClasses',
  'seqLen',
  'twoTower',
  'pooling',
  'landmarks',
  'pinvIterations',
  'pinvInit',
  'convKernel',
  'bigbirdBlock',
  'bigbirdRandom',
  'reformerHashes',
  'reformerChunk',
  'proxyParam',
  'injection',
  'linformerK',
  'linformerSharing',
  'performerFeatures',
  'performerKernel',
] as const satisfies readonly (keyof ModelConfig)[];

/** The model part of the run config that decides the inference graph. */
export type ExportConfig = Pick<ModelConfig, (typeof EXPORT_KEYS)[number]>;

/** Reformer's ONNX sort keys bucket·n + position travel as float32, exact only below 2²⁴ (reformerAttention.ts). */
export const REFORMER_SORT_KEY_LIMIT = 2 ** 24;

/** The largest sort key (2·half + 1)·n of a Reformer graph: buckets per round plus the padding bucket, times n. */
export function reformerSortKeyTop(c: Pick<ExportConfig, 'seqLen' | 'reformerChunk'>): number {
  const half = Math.max(1, reformerBuckets(c.seqLen, c.reformerChunk) / 2);
  return (2 * half + 1) * c.seqLen;
}

/**
 * Why a config has no ONNX graph (its weights still travel in bundles), or null when it has one.
 * Every variant has one; a Reformer with so many buckets that its float32 sort keys would not be
 * exact has none. The bundle writer and the UI ask first, so such a run still exports its
 * bundle (without model.onnx) and says why.
 */
export function onnxUnsupported(c: Pick<ExportConfig, 'attention' | 'seqLen' | 'reformerChunk'>): string | null {
  if (c.attention !== 'reformer') return null;
  const top = reformerSortKeyTop(c);
  if (top < REFORMER_SORT_KEY_LIMIT) return null;
  return `Reformer at n = ${c.seqLen} with chunks of ${c.reformerChunk} has no ONNX graph: its sort keys bucket·n + position reach ${top}, past float32's exact integers (2^24), so the sort could tie tokens. Its weights travel in the bundle (model.safetensors) and run in the engine and the PyTorch reference; longer chunks (fewer buckets) export.`;
}

/**
 * Refuses configs the graph cannot express, with the schema's own messages: each key against
 * its declaration (type, range, allowed values), then the model's shape rules (src/config/rules.ts).
 */
export function checkExportConfig(c: ExportConfig): void {
  for (const key of EXPORT_KEYS) {
    const result = checkValue(key, paramSpec(key), c[key], false);
    if (!result.ok) throw new Error(`config ${result.issue.message}`);
  }
  const error = checkShapeRules(c).find((issue) => issue.severity === 'error');
  if (error) throw new Error(`config ${error.message}`);
}

/**
 * The contract's state names and shapes (PyTorch state_dict keys, Linear weights [out, in]), in
 * the engine's creation order: every parameter and the non-trainable state (Performer's
 * `features`, a PyTorch buffer), which weights files and bundles carry like a parameter.
 */
export function parameterShapes(c: ExportConfig): Map<string, number[]> {
  const d = c.dModel;
  const shapes = new Map<string, number[]>();
  const linear = (name: string, out: number, inp: number) => {
    shapes.set(`${name}.weight`, [out, inp]);
    shapes.set(`${name}.bias`, [out]);
  };
  const norm = (name: string) => {
    shapes.set(`${name}.weight`, [d]);
    shapes.set(`${name}.bias`, [d]);
  };
  shapes.set('embed.tokens.weight', [c.vocabSize, d]);
  shapes.set('embed.positions.weight', [c.seqLen, d]);
  const linformerE = [c.heads, c.linformerK, c.seqLen];
  if (c.attention === 'linformer' && c.linformerSharing === 'shared') shapes.set('linformer_e', linformerE);
  for (let i = 0; i < c.layers; i++) {
    const p = `layers.${i}`;
    norm(`${p}.norm1`);
    if (c.attention === 'linformer' && c.linformerSharing === 'per-layer') shapes.set(`${p}.attn.linformer_e`, linformerE);
    // Reformer shares one query-key projection (src/model/attention/reformer.ts).
    for (const proj of c.attention === 'reformer' ? ['qk', 'v', 'out'] : ['q', 'k', 'v', 'out']) linear(`${p}.attn.${proj}`, d, d);
    if (usesLandmarks(c) && c.convKernel > 0) shapes.set(`${p}.attn.conv.weight`, [c.heads, c.convKernel]);
    if (c.attention === 'proxy') {
      if (c.proxyParam === 'projected') shapes.set(`${p}.attn.proxies`, [c.landmarks, d]);
      else {
        shapes.set(`${p}.attn.proxy_q`, [c.heads, c.landmarks, d / c.heads]);
        shapes.set(`${p}.attn.proxy_k`, [c.heads, c.landmarks, d / c.heads]);
      }
      if (c.injection === 'mean') linear(`${p}.attn.inject`, d, d);
    }
    if (c.attention === 'performer') shapes.set(`${p}.attn.features`, [c.performerFeatures, d / c.heads]);
    // BigBird's random blocks [max(nb − 2, 1), max(r, 1)] (src/model/attention/bigbird.ts).
    if (c.attention === 'bigbird')
      shapes.set(`${p}.attn.random_blocks`, [Math.max(c.seqLen / c.bigbirdBlock - 2, 1), Math.max(c.bigbirdRandom, 1)]);
    // Reformer's evaluation rotations [H, d_h, rounds · buckets/2] (src/model/attention/reformerHash.ts).
    if (c.attention === 'reformer')
      shapes.set(`${p}.attn.rotations`, [
        c.heads,
        d / c.heads,
        c.reformerHashes * Math.max(1, reformerBuckets(c.seqLen, c.reformerChunk) / 2),
      ]);
    norm(`${p}.norm2`);
    linear(`${p}.ffn.fc1`, c.ffn, d);
    linear(`${p}.ffn.fc2`, d, c.ffn);
  }
  norm('norm');
  linear('head.fc1', c.ffn, c.twoTower ? 4 * d : d);
  linear('head.fc2', c.numClasses, c.ffn);
  return shapes;
}

/** Whether a state name is non-trainable state (Performer's random features, BigBird's random blocks, Reformer's rotations): no gradient, no optimizer moments. */
export function isStateName(name: string): boolean {
  return /^layers\.\d+\.attn\.(features|random_blocks|rotations)$/.test(name);
}

/** The trainable parameters of parameterShapes: the names an optimizer state covers. */
export function trainableShapes(c: ExportConfig): Map<string, number[]> {
  return new Map([...parameterShapes(c)].filter(([name]) => !isStateName(name)));
}

/** Refuses weights that miss a parameter, carry an unknown name, or hold the wrong number of values. */
export function checkWeights(shapes: ReadonlyMap<string, number[]>, weights: ReadonlyMap<string, Float32Array>): void {
  const missing = [...shapes.keys()].filter((k) => !weights.has(k));
  if (missing.length) throw new Error(`weights lack the parameter(s) ${missing.join(', ')}`);
  const unknown = [...weights.keys()].filter((k) => !shapes.has(k));
  if (unknown.length) throw new Error(`weights hold name(s) this config has no parameter for: ${unknown.join(', ')}`);
  for (const [name, shape] of shapes) {
    const want = shape.reduce((a, b) => a * b, 1);
    const got = weights.get(name)!;
    if (!(got instanceof Float32Array)) throw new Error(`parameter ${name} must be a Float32Array`);
    if (got.length !== want) throw new Error(`parameter ${name} has ${got.length} values; shape [${shape.join(', ')}] needs ${want}`);
  }
}
