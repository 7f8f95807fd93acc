/** LayerNorm over the last axis (biased variance, as torch.nn.LayerNorm). */
import { record, willRecord } from '../autograd';
import type { Tensor } from '../tensor';
import { checkInputs, intoOrTemp, output } from './util';

/** (x − mean)/√(var + eps) · gamma + beta over the last axis; gamma, beta [C]. */
export function layerNorm(x: Tensor, gamma: Tensor, beta: Tensor, eps = 1e-5): Tensor {
  checkInputs('layerNorm', [x, gamma, beta]);
  const cols = x.shape[x.rank - 1];
  if (gamma.size !== cols || beta.size !== cols)
    throw new Error(`layerNorm: gamma ${gamma.describe()} and beta ${beta.describe()} must have ${cols} elements for ${x.describe()}`);
  const rows = x.size / cols;
  const be = x.backend;
  const y = output(x, x.shape, 'layerNorm');
  const meanT = output(x, [rows], 'layerNorm mean');
  const rstdT = output(x, [rows], 'layerNorm rstd');
  be.layerNorm(x.buf, gamma.buf, beta.buf, y.buf, meanT.buf, rstdT.buf, rows, cols, eps);
  if (!willRecord(x, gamma, beta)) {
    meanT.dispose();
    rstdT.dispose();
    return y;
  }
  return record('layerNorm', y, [x, gamma, beta], (g, sink) =>
    // The kernel writes dx and adds into dgamma and dbeta in one pass, so gather all three targets first.
    intoOrTemp(sink, gamma, (dg, accG) => {
      if (!accG) be.fill(dg.buf, 0);
      intoOrTemp(sink, beta, (db, accB) => {
        if (!accB) be.fill(db.buf, 0);
        intoOrTemp(sink, x, (dx, accX) =>
          be.layerNormBackward(x.buf, gamma.buf, meanT.buf, rstdT.buf, g.buf, dx.buf, dg.buf, db.buf, rows, cols, accX),
        );
      });
    }),
  );
}
