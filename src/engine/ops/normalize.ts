/**
 * Row L2 normalisation (F.normalize over the last axis): one fused row kernel forward and one
 * backward (`Backend.l2Normalize`); under `withoutFusion`, the composed ops it replaces (about 5
 * dispatches forward and 10 backward), the reference.
 */
import { record } from '../autograd';
import { fusionEnabled } from '../fusion';
import type { Tensor } from '../tensor';
import { affine, div, mul } from './elementwise';
import { sum } from './reduce';
import { sqrt } from './unary';
import { checkInputs, output } from './util';

/**
 * x / √(Σ x² + eps²) over the last axis. Equals F.normalize(x, dim=-1, eps) except for rows
 * whose norm is within a few eps of 0 (F.normalize uses max(‖x‖, eps), which has no kernel).
 */
export function l2Normalize(x: Tensor, eps = 1e-12): Tensor {
  if (!fusionEnabled()) return div(x, sqrt(affine(sum(mul(x, x), -1, { keepDim: true }), 1, eps * eps)));
  checkInputs('l2Normalize', [x]);
  const cols = x.shape[x.rank - 1];
  const rows = x.size / cols;
  const be = x.backend;
  const y = output(x, x.shape, 'l2Normalize');
  const norm = output(x, [rows], 'l2Normalize norm');
  be.l2Normalize(x.buf, y.buf, norm.buf, rows, cols, eps);
  const out = record('l2Normalize', y, [x], (g, sink) => {
    sink.into(x, (d, acc) => be.l2NormalizeBackward(y.buf, norm.buf, g.buf, d.buf, rows, cols, acc));
    norm.dispose();
  });
  if (!out.node) norm.dispose();
  return out;
}
