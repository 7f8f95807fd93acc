/**
 * The maths of the model as ONNX subgraphs: each helper adds a few nodes and returns the name
 * of its result, so the variant files read like the formulas of docs/models.md.
 * Shapes in the comments: B is the symbolic batch, L a row count (n tokens or m landmarks).
 */
import { float, int, ints, type GraphBuilder } from './graph.ts';

/** Everything a subgraph needs: the builder and the contract's weights with their shapes. */
export interface ExportContext {
  g: GraphBuilder;
  weights: ReadonlyMap<string, Float32Array>;
  shapes: ReadonlyMap<string, number[]>;
}

/** The additive key mask value of the contract: −1e9·(1 − mask). */
export const KEY_MASK_VALUE = -1e9;
/** nn.LayerNorm's default epsilon, which the PyTorch reference and the engine use. */
const LAYER_NORM_EPS = 1e-5;

/** A parameter of the contract as an initializer under its own name. */
export function weight(ctx: ExportContext, name: string): string {
  const data = ctx.weights.get(name);
  const shape = ctx.shapes.get(name);
  if (!data || !shape) throw new Error(`the export needs the parameter ${name}, which the weights do not hold`);
  return ctx.g.initializer(name, data, shape);
}

export const add = (g: GraphBuilder, a: string, b: string): string => g.node('Add', [a, b]);
export const sub = (g: GraphBuilder, a: string, b: string): string => g.node('Sub', [a, b]);
export const mul = (g: GraphBuilder, a: string, b: string): string => g.node('Mul', [a, b]);
export const div = (g: GraphBuilder, a: string, b: string): string => g.node('Div', [a, b]);
export const matmul = (g: GraphBuilder, a: string, b: string): string => g.node('MatMul', [a, b]);
/** x · s for a scalar s. */
export const scale = (g: GraphBuilder, x: string, s: number): string => g.node('Mul', [x, g.constFloat([s], [])]);
export const transpose = (g: GraphBuilder, x: string, perm: number[]): string => g.node('Transpose', [x], { perm: ints(perm) });
/** Swaps the last two axes of a rank-4 tensor (Kᵀ per head). */
export const transposeLast = (g: GraphBuilder, x: string): string => transpose(g, x, [0, 1, 3, 2]);
/** Reshape; a 0 in `shape` copies the input's dimension (used for the symbolic batch). */
export const reshape = (g: GraphBuilder, x: string, shape: number[]): string => g.node('Reshape', [x, g.constInt64(shape)]);
/** Row-wise softmax over the last axis. */
export const softmax = (g: GraphBuilder, x: string): string => g.node('Softmax', [x], { axis: int(-1) });

/** PyTorch Linear `x Wᵀ + b` with W stored [out, in] under `prefix.weight` (Wᵀ is built once). */
export function linear(ctx: ExportContext, x: string, prefix: string): string {
  const wT = ctx.g.memo(`${prefix}.weight/T`, () => transpose(ctx.g, weight(ctx, `${prefix}.weight`), [1, 0]));
  return add(ctx.g, matmul(ctx.g, x, wT), weight(ctx, `${prefix}.bias`));
}

/** LayerNorm over the last axis with `prefix.weight` / `prefix.bias`. */
export function layerNorm(ctx: ExportContext, x: string, prefix: string): string {
  return ctx.g.node('LayerNormalization', [x, weight(ctx, `${prefix}.weight`), weight(ctx, `${prefix}.bias`)], {
    axis: int(-1),
    epsilon: float(LAYER_NORM_EPS),
  });
}

/** GELU in its erf form, ½x(1 + erf(x/√2)) (opset 17 has no Gelu operator). */
export function gelu(g: GraphBuilder, x: string): string {
  const erf = g.node('Erf', [scale(g, x, Math.SQRT1_2)]);
  return mul(g, scale(g, x, 0.5), add(g, erf, g.constFloat([1], [])));
}

/** [B, L, d] → [B, H, L, d/H]: head h takes columns h·d_h … (h+1)·d_h − 1. */
export function splitHeads(g: GraphBuilder, x: string, rows: number, heads: number, headDim: number): string {
  return transpose(g, reshape(g, x, [0, rows, heads, headDim]), [0, 2, 1, 3]);
}

/** [B, H, L, d_h] → [B, L, H·d_h], heads in order (inverse of splitHeads). */
export function mergeHeads(g: GraphBuilder, x: string, rows: number, width: number): string {
  return reshape(g, transpose(g, x, [0, 2, 1, 3]), [0, rows, width]);
}

/**
 * Means of m contiguous segments of n/m rows: x [B, ...lead, n, c] → [B, ...lead, m, c]
 * (padding rows count in the segment length, as the Nyströmformer reference code).
 */
export function segmentMeans(g: GraphBuilder, x: string, lead: number[], n: number, m: number, cols: number): string {
  if (n % m !== 0) throw new Error(`segment means need n a multiple of m: n ${n}, m ${m}`);
  const grouped = reshape(g, x, [0, ...lead, m, n / m, cols]);
  return g.node('ReduceMean', [grouped], { axes: ints([lead.length + 2]), keepdims: int(0) });
}

/** Σ_i mask_i x_i / max(Σ_i mask_i, 1): x [B, n, c], mask [B, n] → [B, c]. */
export function maskedMean(g: GraphBuilder, x: string, mask: string, n: number): string {
  const masked = mul(g, x, reshape(g, mask, [0, n, 1]));
  const total = g.node('ReduceSum', [masked, g.constInt64([1])], { keepdims: int(0) });
  const count = g.node('ReduceSum', [mask, g.constInt64([1])], { keepdims: int(1) });
  return div(g, total, g.node('Max', [count, g.constFloat([1], [])]));
}

/** The additive key mask −1e9·(1 − mask) shaped [B, 1, 1, n] to broadcast over heads and query rows. */
export function keyMaskBias(g: GraphBuilder, mask: string, n: number): string {
  const padding = sub(g, g.constFloat([1], []), mask);
  return reshape(g, scale(g, padding, KEY_MASK_VALUE), [0, 1, 1, n]);
}
