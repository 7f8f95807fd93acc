/**
 * One step of the iterative Moore–Penrose pseudo-inverse (Razavi et al. 2014, the iteration of
 * Nyströmformer's Lemma 1) as one op: Z' = ¼ Z (13I − P (15I − P (7I − P))), P = A Z, for
 * A, Z [..., m, m]. Composed from single ops it records 11 dispatches forward and 12 backward;
 * here each cI − X·Y is one shifted product (`Backend.shiftedProduct`), the ¼ rides on the last
 * product's alpha, and the backward is written out: 5 and 8 (docs/gpu.md "Dispatches per
 * step"). The same sums in the same order as the composed ops, so on WebGPU the values agree to
 * the bit; the CPU reference sums in float64 and rounds once, so in float32 it agrees to rounding.
 *
 * Backward, with G = dZ', T1 = 7I − P, T2 = 15I − P T1, T3 = 13I − P T2:
 *   dZ  = ¼ G T3ᵀ + Aᵀ dP          dT3 = ¼ Zᵀ G
 *   dT2 = −Pᵀ dT3                   dP  = −dT3 T2ᵀ − dT2 T1ᵀ + Pᵀ dT2   (the last term is −dT1)
 *   dA  = dP Zᵀ
 */
import { record } from '../autograd';
import { numel, type Buf, type MatmulParams } from '../backend';
import type { Tensor } from '../tensor';
import { checkInputs, output, scratch } from './util';

/** Z' = ¼ Z (13I − AZ (15I − AZ (7I − AZ))) for A, Z of one shape [..., m, m]. */
export function pinvIteration(a: Tensor, z: Tensor): Tensor {
  checkInputs('pinvIteration', [a, z]);
  const m = a.shape[a.rank - 1];
  if (a.rank < 2 || a.shape[a.rank - 2] !== m || z.rank !== a.rank || z.shape.some((s, i) => s !== a.shape[i]))
    throw new Error(`pinvIteration: A ${a.describe()} and Z ${z.describe()} must be square matrices of one shape [..., m, m]`);
  const be = a.backend;
  const batch = numel(a.shape.slice(0, -2));
  const mm = m * m;
  /** out (+)= alpha · op(x) · op(y), every operand batched. */
  const mul = (x: Buf, y: Buf, out: Buf, o: Partial<MatmulParams>) =>
    be.matmul(x, y, out, {
      batch,
      m,
      n: m,
      k: m,
      transA: false,
      transB: false,
      strideA: mm,
      strideB: mm,
      alpha: 1,
      accumulate: false,
      ...o,
    });
  // Saved for the backward, as the composed ops would save them (activations of this scope).
  const p = output(a, a.shape, 'pinv P = AZ');
  const t1 = output(a, a.shape, 'pinv T1');
  const t2 = output(a, a.shape, 'pinv T2');
  const t3 = output(a, a.shape, 'pinv T3');
  mul(a.buf, z.buf, p.buf, {});
  // T1 = 7I − AZ recomputes the product inside the shifted kernel (the same sums as P's).
  be.shiftedProduct(a.buf, z.buf, t1.buf, batch, m, 7, -1);
  be.shiftedProduct(p.buf, t1.buf, t2.buf, batch, m, 15, -1);
  be.shiftedProduct(p.buf, t2.buf, t3.buf, batch, m, 13, -1);
  const y = output(a, a.shape, 'pinvIteration');
  mul(z.buf, t3.buf, y.buf, { alpha: 0.25 });
  const saved = [p, t1, t2, t3];
  const out = record('pinvIteration', y, [a, z], (g, sink) => {
    if (sink.needs(z)) sink.into(z, (d, acc) => mul(g.buf, t3.buf, d.buf, { transB: true, alpha: 0.25, accumulate: acc }));
    const dT3 = scratch(a, a.shape, 'pinv dT3');
    const dT2 = scratch(a, a.shape, 'pinv dT2');
    const dP = scratch(a, a.shape, 'pinv dP');
    mul(z.buf, g.buf, dT3.buf, { transA: true, alpha: 0.25 });
    mul(dT3.buf, t2.buf, dP.buf, { transB: true, alpha: -1 });
    mul(p.buf, dT3.buf, dT2.buf, { transA: true, alpha: -1 });
    mul(dT2.buf, t1.buf, dP.buf, { transB: true, alpha: -1, accumulate: true });
    mul(p.buf, dT2.buf, dP.buf, { transA: true, accumulate: true });
    sink.into(a, (d, acc) => mul(dP.buf, z.buf, d.buf, { transB: true, accumulate: acc }));
    sink.into(z, (d, acc) => mul(a.buf, dP.buf, d.buf, { transA: true, accumulate: acc }));
    for (const t of [dT3, dT2, dP, ...saved]) t.dispose();
  });
  // Without a tape nothing reads the intermediates again.
  if (!out.node) for (const t of saved) t.dispose();
  return out;
}
