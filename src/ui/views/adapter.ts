/**
 * Converts a `views` payload of the training worker — `{ example, views: ModelViews }` with
 * ModelViews from src/model/views.ts — into what the panel draws, checking every shape on the
 * way (protocol.ts types the payload as `unknown`). A mismatch is an error that names the field,
 * never a blank canvas. What the payload does not carry (task, variant, m, step) comes from the
 * run the views were asked of.
 */
import { TASK_SPECS, type RunConfig } from '../../model/config';
import type { AttentionViews, HeadViews, Matrix } from './types';

/** The run the views belong to. */
export interface ViewsContext {
  config: RunConfig;
  step: number;
}

/** The payload as AttentionViews, or an Error saying which field is wrong. */
export function asAttentionViews(x: unknown, ctx: ViewsContext): AttentionViews {
  const o = obj(x, 'payload');
  const ex = obj(o.example, 'payload.example');
  const tokens = ex.tokens instanceof Int32Array ? ex.tokens : Array.isArray(ex.tokens) ? Int32Array.from(ex.tokens as number[]) : null;
  if (!tokens) throw new Error('payload.example.tokens is not an Int32Array or a number array');
  const v = obj(o.views, 'payload.views');
  const n = num(v.n, 'payload.views.n');
  if (!Array.isArray(v.layers) || v.layers.length === 0) throw new Error('payload.views.layers must be a non-empty array');
  const heads = (v.layers as unknown[]).map((layer, l) => {
    const hs = obj(layer, `layers[${l}]`).heads;
    if (!Array.isArray(hs) || hs.length === 0) throw new Error(`layers[${l}].heads must be a non-empty array`);
    return hs.map((h, i) => headViews(h, `layers[${l}].heads[${i}]`));
  });
  const { config } = ctx;
  const side = config.task === 'image' ? config.imageSize : config.task === 'pathfinder' ? Math.round(Math.sqrt(TASK_SPECS.pathfinder.naturalLength)) : undefined;
  return {
    step: ctx.step,
    task: config.task,
    attention: config.attention,
    seqLen: n,
    landmarks: config.attention === 'nystrom' || config.attention === 'proxy' ? config.landmarks : 0,
    budget: budgetOf(config),
    split: ex.split === 'test' ? 'test' : 'validation',
    example: { index: num(ex.index, 'payload.example.index'), tokens, label: num(ex.label, 'payload.example.label'), prediction: typeof ex.prediction === 'number' ? ex.prediction : undefined },
    imageSide: side,
    heads,
  };
}

/** What the variant's size beyond n is called, and its value. */
export function budgetOf(config: RunConfig): { name: string; value: number } | null {
  switch (config.attention) {
    case 'nystrom':
    case 'proxy':
      return { name: 'm', value: config.landmarks };
    case 'linformer':
      return { name: 'k', value: config.linformerK };
    case 'performer':
      return { name: 'features', value: config.performerFeatures };
    case 'softmax':
    case 'linear':
      return null;
  }
}

function headViews(x: unknown, where: string): HeadViews {
  const o = obj(x, where);
  const m = (field: string): Matrix | undefined => (o[field] === undefined ? undefined : matrix(o[field], `${where}.${field}`));
  const out: HeadViews = {
    softmax: m('attention'), kernel1: m('K1'), kernel2: m('K2'), z: m('Z'), kernel3: m('K3'),
    queryCosine: m('qCosine'), keyCosine: m('kCosine'), exact: m('exact'), approx: m('approximation'),
    linformerE: m('E'), projectedAttention: m('projectedAttention'),
  };
  if (o.qMeanOffDiagonal !== undefined) out.queryMeanOffDiagonal = num(o.qMeanOffDiagonal, `${where}.qMeanOffDiagonal`);
  if (o.kMeanOffDiagonal !== undefined) out.keyMeanOffDiagonal = num(o.kMeanOffDiagonal, `${where}.kMeanOffDiagonal`);
  if (o.pinvResiduals !== undefined) {
    const r = o.pinvResiduals;
    if (!(r instanceof Float32Array) && !(r instanceof Float64Array) && !Array.isArray(r)) throw new Error(`${where}.pinvResiduals is not an array`);
    out.pinvResidual = Array.from(r as ArrayLike<number>);
  }
  if (o.error !== undefined) {
    const e = obj(o.error, `${where}.error`);
    out.approxError = { maxAbs: num(e.maxAbs, `${where}.error.maxAbs`), relFrobenius: num(e.relativeFrobenius, `${where}.error.relativeFrobenius`) };
  }
  for (const k of Object.keys(out) as (keyof HeadViews)[]) if (out[k] === undefined) delete out[k];
  return out;
}

function matrix(x: unknown, where: string): Matrix {
  const o = obj(x, where);
  const rows = num(o.rows, `${where}.rows`);
  const cols = num(o.cols, `${where}.cols`);
  if (!(o.data instanceof Float32Array)) throw new Error(`${where}.data is not a Float32Array`);
  if (o.data.length !== rows * cols) throw new Error(`${where}.data has ${o.data.length} values, expected ${rows} × ${cols} = ${rows * cols}`);
  return { rows, cols, data: o.data };
}

function obj(x: unknown, where: string): Record<string, unknown> {
  if (typeof x !== 'object' || x === null || Array.isArray(x)) throw new Error(`${where} is not an object`);
  return x as Record<string, unknown>;
}

function num(x: unknown, where: string): number {
  if (typeof x !== 'number' || Number.isNaN(x)) throw new Error(`${where} is not a number (got ${String(x)})`);
  return x;
}
