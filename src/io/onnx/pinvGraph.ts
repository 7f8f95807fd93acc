/**
 * The iterative Moore–Penrose pseudo-inverse of Nyströmformer as graph nodes, unrolled:
 * Z ← ¼ Z (13I − AZ (15I − AZ (7I − AZ))), A = K2 [B, H, m, m].
 * Z0 = Aᵀ / max_j Σ_i |A_ij|, the max per (sample, head) for `per-matrix`, over the whole
 * batch and all heads for `global` (docs/model-contract.md). A is a softmax, so every column
 * sum is positive and the max is ≥ 1 (the reference's zero-scale guard never fires at inference).
 */
import { int, ints, type Attr, type GraphBuilder } from './graph.ts';
import { div, matmul, mul, sub, transposeLast } from './ops.ts';

/** Z ≈ A⁺ after `iterations` steps for A [B, H, m, m]. */
export function iterativePinv(g: GraphBuilder, a: string, m: number, iterations: number, init: 'per-matrix' | 'global'): string {
  const columnSums = g.node('ReduceSum', [g.node('Abs', [a]), g.constInt64([-2])], { keepdims: int(1) }); // [B, H, 1, m]
  const maxAttrs: Record<string, Attr> = init === 'per-matrix' ? { axes: ints([-1]), keepdims: int(1) } : { keepdims: int(1) }; // no axes: every axis
  let z = div(g, transposeLast(g, a), g.node('ReduceMax', [columnSums], maxAttrs));
  const identity = (c: number) => {
    const values = new Float32Array(m * m);
    for (let i = 0; i < m; i++) values[i * m + i] = c;
    return g.constFloat(values, [m, m]);
  };
  for (let it = 0; it < iterations; it++) {
    const az = matmul(g, a, z);
    const inner = matmul(g, az, sub(g, identity(7), az));
    const middle = matmul(g, az, sub(g, identity(15), inner));
    z = matmul(g, mul(g, z, g.constFloat([0.25], [])), sub(g, identity(13), middle));
  }
  return z;
}
