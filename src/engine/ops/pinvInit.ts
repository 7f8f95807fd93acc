/**
 * The iterative pseudo-inverse's initialisation (Nyströmformer's, per matrix) as one op:
 * Z0 = Aᵀ / s with s = max_j Σ_i |A_ij| (+ `dropped`, 1 where a matrix's columns are all dropped),
 * for A [..., m, m]. Composed from single ops (abs, column sum, max, add, transpose, div) it
 * records 8 dispatches forward and about 11 backward; here one each (`Backend.pinvInit`, one
 * workgroup per matrix; docs/gpu.md "Dispatches per step"). The gradient flows through the max
 * as torch.amax's (ties share it evenly) and through |A| with sign(0) = 0, as the composed ops'.
 */
import { record } from '../autograd';
import { numel } from '../backend';
import type { Tensor } from '../tensor';
import { checkInputs, output, scratch } from './util';

/** Z0 = Aᵀ / (max_j Σ_i |A_ij| + dropped) per matrix; `dropped` [..., 1, 1] (or [...]) takes no gradient. */
export function pinvInit(a: Tensor, dropped: Tensor | null = null): Tensor {
  checkInputs('pinvInit', dropped ? [a, dropped] : [a]);
  const m = a.shape[a.rank - 1];
  if (a.rank < 2 || a.shape[a.rank - 2] !== m) throw new Error(`pinvInit: A ${a.describe()} must be square matrices [..., m, m]`);
  const batch = numel(a.shape.slice(0, -2));
  if (dropped && (dropped.size !== batch || dropped.requiresGrad))
    throw new Error(`pinvInit: dropped ${dropped.describe()} must hold one constant (no gradient) per matrix of A ${a.describe()}`);
  const be = a.backend;
  const z = output(a, a.shape, 'pinvInit');
  const aux = scratch(a, [batch, m + 2], 'pinvInit column sums');
  be.pinvInit(a.buf, dropped?.buf ?? null, z.buf, aux.buf, batch, m);
  const out = record('pinvInit', z, [a], (g, sink) => {
    sink.into(a, (d, acc) => be.pinvInitBackward(a.buf, z.buf, aux.buf, g.buf, d.buf, batch, m, acc));
    aux.dispose();
  });
  if (!out.node) aux.dispose();
  return out;
}
