/**
 * Batched matrix product with transposed operands: out[..., m, n] = alpha · op(A) · op(B), where
 * op(A) is A[..., m, k] (or A[..., k, m] read transposed when transA) and likewise B. Either
 * operand may be a single matrix shared by the whole batch (a 2-D weight against [B, n, d]
 * activations), which needs no copy: its batch stride is 0. Attention products on
 * [B, H, n, d_h] tensors run as one batched kernel, and Q·Kᵀ uses transB instead of a transpose.
 */
import { record } from '../autograd';
import { numel, type MatmulParams } from '../backend';
import type { Tensor } from '../tensor';
import { checkInputs, output, scratch, shapeStr } from './util';

export interface MatmulOptions {
  transA?: boolean;
  transB?: boolean;
  /** out = alpha·op(A)·op(B) (the attention scale s folds in here). */
  alpha?: number;
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

/** alpha·op(A)·op(B) over matching batch dimensions (or one operand unbatched). */
export function matmul(a: Tensor, b: Tensor, opts: MatmulOptions = {}): Tensor {
  const transA = opts.transA ?? false;
  const transB = opts.transB ?? false;
  const alpha = opts.alpha ?? 1;
  checkInputs('matmul', [a, b]);
  const describe = () => `matmul: A ${a.describe()}${transA ? 'ᵀ' : ''} · B ${b.describe()}${transB ? 'ᵀ' : ''}`;
  if (a.rank < 2 || b.rank < 2) throw new Error(`${describe()}: both operands need at least 2 dimensions`);
  const [a0, a1] = a.shape.slice(-2);
  const [b0, b1] = b.shape.slice(-2);
  const m = transA ? a1 : a0;
  const k = transA ? a0 : a1;
  const kb = transB ? b1 : b0;
  const n = transB ? b0 : b1;
  if (k !== kb) throw new Error(`${describe()}: inner dimensions differ (${k} vs ${kb})`);
  const batchA = a.shape.slice(0, -2);
  const batchB = b.shape.slice(0, -2);
  const nA = numel(batchA);
  const nB = numel(batchB);
  if (nA > 1 && nB > 1 && !sameShape(batchA, batchB))
    throw new Error(
      `${describe()}: batch dimensions ${shapeStr(batchA)} and ${shapeStr(batchB)} differ (one operand may be unbatched; expand the other with broadcastTo)`,
    );
  const batchShape = nA > 1 ? batchA : nB > 1 ? batchB : batchA.length >= batchB.length ? batchA : batchB;
  const batch = Math.max(nA, nB);
  const sA = nA > 1 ? m * k : 0;
  const sB = nB > 1 ? k * n : 0;
  const y = output(a, [...batchShape, m, n], 'matmul');
  const be = a.backend;
  const run = (x: Tensor, w: Tensor, out: Tensor, p: Partial<MatmulParams> & Pick<MatmulParams, 'm' | 'n' | 'k'>, acc: boolean) =>
    be.matmul(x.buf, w.buf, out.buf, { batch: 1, transA: false, transB: false, strideA: 0, strideB: 0, alpha, accumulate: acc, ...p });

  // A batched and B shared, A not transposed: the batch folds into the rows (one plain product).
  if (sA !== 0 && sB === 0 && !transA) run(a, b, y, { m: batch * m, n, k, transB }, false);
  else run(a, b, y, { batch, m, n, k, transA, transB, strideA: sA, strideB: sB }, false);

  return record('matmul', y, [a, b], (g, sink) => {
    // dop(A) = g·op(B)ᵀ, dop(B) = op(A)ᵀ·g; a shared operand sums its gradient over the batch.
    const gs = m * n;
    sink.into(a, (d, acc) => {
      const dA = (out: Tensor, acc2: boolean) => {
        if (sB === 0 && sA !== 0 && !transA) run(g, b, out, { m: batch * m, n: k, k: n, transB: !transB }, acc2);
        else if (!transA) run(g, b, out, { batch, m, n: k, k: n, transB: !transB, strideA: gs, strideB: sB }, acc2);
        else run(b, g, out, { batch, m: k, n: m, k: n, transA: transB, transB: true, strideA: sB, strideB: gs }, acc2);
      };
      if (sA !== 0 || batch === 1) return dA(d, acc);
      const per = scratch(a, [batch, ...a.shape.slice(-2)], 'matmul dA per batch');
      dA(per, false);
      be.reduce('sum', per.buf, d.buf, 1, batch, m * k, 1, acc);
      per.dispose();
    });
    sink.into(b, (d, acc) => {
      const dB = (out: Tensor, acc2: boolean) => {
        if (!transB) run(a, g, out, { batch, m: k, n, k: m, transA: !transA, strideA: sA, strideB: gs }, acc2);
        else run(g, a, out, { batch, m: n, n: k, k: m, transA: true, transB: transA, strideA: gs, strideB: sA }, acc2);
      };
      if (sB !== 0 || batch === 1) return dB(d, acc);
      if (!transA) {
        // Fold the batch into the inner dimension: dB = Σ_b op(A_b)ᵀ g_b as one product over batch·m rows.
        if (!transB) run(a, g, d, { m: k, n, k: batch * m, transA: true }, acc);
        else run(g, a, d, { m: n, n: k, k: batch * m, transA: true }, acc);
        return;
      }
      const per = scratch(b, [batch, ...b.shape.slice(-2)], 'matmul dB per batch');
      dB(per, false);
      be.reduce('sum', per.buf, d.buf, 1, batch, k * n, 1, acc);
      per.dispose();
    });
  });
}
