/**
 * Checks that a `views` payload from the worker has the shape the panel draws (protocol.ts
 * types it as `unknown` until `src/model/views.ts` lands). A mismatch is an error that names
 * the field, never a blank canvas.
 */
import { ATTENTIONS, TASKS } from '../../model/config';
import type { AttentionViews, HeadViews, Matrix } from './types';

const MATRIX_FIELDS = ['softmax', 'kernel1', 'kernel2', 'z', 'kernel3', 'cosine', 'exact', 'approx'] as const;

/** The payload as AttentionViews, or an Error saying which field is wrong. */
export function asAttentionViews(x: unknown): AttentionViews {
  const o = obj(x, 'views');
  const task = o.task;
  const attention = o.attention;
  if (!TASKS.includes(task as never)) throw new Error(`views.task ${String(task)} is not one of ${TASKS.join(', ')}`);
  if (!ATTENTIONS.includes(attention as never)) throw new Error(`views.attention ${String(attention)} is not one of ${ATTENTIONS.join(', ')}`);
  const ex = obj(o.example, 'views.example');
  const tokens = ex.tokens instanceof Int32Array ? ex.tokens : Array.isArray(ex.tokens) ? Int32Array.from(ex.tokens as number[]) : null;
  if (!tokens) throw new Error('views.example.tokens is not an Int32Array or a number array');
  if (!Array.isArray(o.heads) || o.heads.length === 0) throw new Error('views.heads must be a non-empty array of layers');
  const heads = (o.heads as unknown[]).map((layer, l) => {
    if (!Array.isArray(layer) || layer.length === 0) throw new Error(`views.heads[${l}] must be a non-empty array of heads`);
    return layer.map((h, i) => headViews(h, `views.heads[${l}][${i}]`));
  });
  return {
    step: num(o.step, 'views.step'),
    task: task as AttentionViews['task'],
    attention: attention as AttentionViews['attention'],
    seqLen: num(o.seqLen, 'views.seqLen'),
    landmarks: num(o.landmarks, 'views.landmarks'),
    split: o.split === 'test' ? 'test' : 'validation',
    example: { index: num(ex.index, 'views.example.index'), tokens, label: num(ex.label, 'views.example.label'), prediction: typeof ex.prediction === 'number' ? ex.prediction : undefined },
    imageSide: typeof o.imageSide === 'number' ? o.imageSide : undefined,
    heads,
  };
}

function headViews(x: unknown, where: string): HeadViews {
  const o = obj(x, where);
  const out: HeadViews = {};
  for (const f of MATRIX_FIELDS) if (o[f] !== undefined) out[f] = matrix(o[f], `${where}.${f}`);
  if (o.meanOffDiagonal !== undefined) out.meanOffDiagonal = num(o.meanOffDiagonal, `${where}.meanOffDiagonal`);
  if (o.pinvResidual !== undefined) {
    if (!Array.isArray(o.pinvResidual) && !(o.pinvResidual instanceof Float32Array) && !(o.pinvResidual instanceof Float64Array)) throw new Error(`${where}.pinvResidual is not an array`);
    out.pinvResidual = Array.from(o.pinvResidual as ArrayLike<number>);
  }
  if (o.approxError !== undefined) {
    const e = obj(o.approxError, `${where}.approxError`);
    out.approxError = { maxAbs: num(e.maxAbs, `${where}.approxError.maxAbs`), relFrobenius: num(e.relFrobenius, `${where}.approxError.relFrobenius`) };
  }
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
  if (typeof x !== 'number' || !Number.isFinite(x)) throw new Error(`${where} is not a finite number (got ${String(x)})`);
  return x;
}
