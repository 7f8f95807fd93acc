/**
 * What Performer and linear attention share (docs/model-contract.md, "Projection and kernel
 * baselines"): out = φ(q)(φ(k)ᵀ v), multiplied in that order so the cost stays linear in n, and
 * the implied n×n attention that only the optional view output builds.
 */
import { div, matmul, transposeLast } from './ops.ts';
import { int, type GraphBuilder } from './graph.ts';

/** φ(q)(φ(k)ᵀ v): φ(q) [B, H, n, F], φ(k) [B, H, n, F], v [B, H, n, d_h] → [B, H, n, d_h]. */
export function featureProduct(g: GraphBuilder, phiQ: string, phiK: string, v: string): string {
  return matmul(g, phiQ, matmul(g, transposeLast(g, phiK), v));
}

/** D = φ(q)(φ(k)ᵀ 1) [B, H, n, 1]: the row sums of the implied matrix. */
export function featureNormaliser(g: GraphBuilder, phiQ: string, phiK: string): string {
  const keySum = g.node('ReduceSum', [phiK, g.constInt64([2])], { keepdims: int(1) }); // [B, H, 1, F]
  return matmul(g, phiQ, transposeLast(g, keySum));
}

/** The view: rows of φ(q)φ(k)ᵀ divided by their sum, [B, H, n, n]. */
export function impliedAttention(g: GraphBuilder, phiQ: string, phiK: string): string {
  const scores = matmul(g, phiQ, transposeLast(g, phiK));
  return div(g, scores, g.node('ReduceSum', [scores, g.constInt64([-1])], { keepdims: int(1) }));
}
