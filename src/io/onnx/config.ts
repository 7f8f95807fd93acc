/**
 * The model keys the exporter reads (docs/model-contract.md, "Config JSON"), their checks,
 * and the contract's parameter names and shapes for a config. Training-only keys
 * (dropout, contrastive loss, decomposed dropout) do not change the inference graph.
 */

/** The model part of the run config that decides the inference graph. */
export interface ExportConfig {
  attention: 'softmax' | 'nystrom' | 'proxy' | 'linformer' | 'performer' | 'linear';
  layers: number;
  dModel: number;
  heads: number;
  ffn: number;
  vocabSize: number;
  numClasses: number;
  seqLen: number;
  twoTower: boolean;
  pooling: 'masked-mean' | 'mean-all';
  landmarks: number;
  pinvIterations: number;
  pinvInit: 'per-matrix' | 'global';
  convKernel: number;
  proxyParam: 'projected' | 'per-head';
  injection: 'attend' | 'mean' | 'segment' | 'none';
  linformerK: number;
  linformerSharing: 'shared' | 'per-layer';
  performerFeatures: number;
  performerKernel: 'relu' | 'softmax';
}

const CHOICES: Partial<Record<keyof ExportConfig, readonly string[]>> = {
  attention: ['softmax', 'nystrom', 'proxy', 'linformer', 'performer', 'linear'],
  pooling: ['masked-mean', 'mean-all'],
  pinvInit: ['per-matrix', 'global'],
  proxyParam: ['projected', 'per-head'],
  injection: ['attend', 'mean', 'segment', 'none'],
  linformerSharing: ['shared', 'per-layer'],
  performerKernel: ['relu', 'softmax'],
};
const POSITIVE_INTS = ['layers', 'dModel', 'heads', 'ffn', 'vocabSize', 'numClasses', 'seqLen', 'landmarks', 'linformerK', 'performerFeatures'] as const;

/** Whether the variant has landmarks or proxies (the Nyström decomposition). */
const usesLandmarks = (c: ExportConfig): boolean => c.attention === 'nystrom' || c.attention === 'proxy';

/** Refuses configs the graph cannot express, naming the key, the value and what is allowed. */
export function checkExportConfig(c: ExportConfig): void {
  for (const [key, allowed] of Object.entries(CHOICES)) {
    const value = c[key as keyof ExportConfig];
    if (!allowed!.includes(value as string)) throw new Error(`config ${key} must be one of ${allowed!.join(', ')}; got ${JSON.stringify(value)}`);
  }
  for (const key of POSITIVE_INTS) {
    if (!Number.isInteger(c[key]) || c[key] < 1) throw new Error(`config ${key} must be a positive integer; got ${c[key]}`);
  }
  if (typeof c.twoTower !== 'boolean') throw new Error(`config twoTower must be true or false; got ${JSON.stringify(c.twoTower)}`);
  if (!Number.isInteger(c.pinvIterations) || c.pinvIterations < 0) throw new Error(`config pinvIterations must be an integer >= 0; got ${c.pinvIterations}`);
  if (!Number.isInteger(c.convKernel) || c.convKernel < 0 || (c.convKernel > 0 && c.convKernel % 2 === 0)) {
    throw new Error(`config convKernel must be 0 (off) or an odd positive size; got ${c.convKernel}`);
  }
  if (c.dModel % c.heads !== 0) throw new Error(`config dModel ${c.dModel} is not divisible by heads ${c.heads}`);
  if (usesLandmarks(c) && c.landmarks > c.seqLen) {
    throw new Error(`config landmarks ${c.landmarks} exceed the sequence length seqLen ${c.seqLen}`);
  }
  const segments = c.attention === 'nystrom' || (c.attention === 'proxy' && c.injection === 'segment');
  if (segments && c.seqLen % c.landmarks !== 0) {
    throw new Error(`segment means need seqLen a multiple of landmarks: seqLen ${c.seqLen}, landmarks ${c.landmarks}`);
  }
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
    for (const proj of ['q', 'k', 'v', 'out']) linear(`${p}.attn.${proj}`, d, d);
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
    norm(`${p}.norm2`);
    linear(`${p}.ffn.fc1`, c.ffn, d);
    linear(`${p}.ffn.fc2`, d, c.ffn);
  }
  norm('norm');
  linear('head.fc1', c.ffn, c.twoTower ? 4 * d : d);
  linear('head.fc2', c.numClasses, c.ffn);
  return shapes;
}

/** Whether a state name is non-trainable state (Performer's random features): no gradient, no optimizer moments. */
export function isStateName(name: string): boolean {
  return /^layers\.\d+\.attn\.features$/.test(name);
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
