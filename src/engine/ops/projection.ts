/**
 * A Linear layer as one op: y = x·Wᵀ + b with W [out, in] (torch.nn.Linear), and with `heads` the
 * result split into attention heads [B, H, n, out / H] as `splitHeads` does. The forward is one
 * dispatch (`Backend.linear`) where the composed ops take two (product, bias add) or three (and
 * the head split's copy); docs/gpu.md "Dispatches per step". The backward is the composed one's:
 * the head layout copied back to rows, dx = g·W, dW = gᵀ·x over all rows, db = Σ_rows g (one
 * dispatch, `Backend.columnSums`, where a long reduction takes two). Under
 * `withoutFusion` the model composes matmul, add and splitHeads instead (model/layers.ts).
 */
import { record } from '../autograd';
import type { Tensor } from '../tensor';
import { checkInputs, output, scratch } from './util';

/** x [..., in] → x·Wᵀ + b [..., out]; with heads, x [B, n, in] → [B, heads, n, out / heads]. */
export function projection(x: Tensor, weight: Tensor, bias: Tensor, heads = 1): Tensor {
  checkInputs('projection', [x, weight, bias]);
  const [n, k] = weight.shape;
  const lead = x.shape.slice(0, -1);
  if (weight.rank !== 2 || bias.rank !== 1 || bias.shape[0] !== n || x.shape[x.rank - 1] !== k)
    throw new Error(
      `projection: x ${x.describe()}, weight ${weight.describe()} ([out, in]) and bias ${bias.describe()} ([out]) do not match`,
    );
  if (heads > 1 && (x.rank !== 3 || n % heads !== 0))
    throw new Error(`projection: a head split needs x [B, n, in] (got ${x.describe()}) and ${n} outputs divisible by ${heads} heads`);
  const rows = x.size / k;
  const seq = heads > 1 ? x.shape[1] : 1;
  const shape = heads > 1 ? [x.shape[0], heads, seq, n / heads] : [...lead, n];
  const be = x.backend;
  const y = output(x, shape, 'projection');
  be.linear(x.buf, weight.buf, bias.buf, y.buf, rows, k, n, heads, seq);
  const mm = { batch: 1, transA: false, transB: false, strideA: 0, strideB: 0, alpha: 1 };
  return record('projection', y, [x, weight, bias], (g, sink) => {
    let rowsGrad = g;
    if (heads > 1) {
      // g [B, H, n, d_h] back to rows [B, n, H·d_h] (the head split's backward).
      const dh = n / heads;
      rowsGrad = scratch(g, [rows, n], 'projection rows grad');
      be.copyStrided(
        g.buf,
        rowsGrad.buf,
        [x.shape[0], seq, heads, dh],
        [heads * seq * dh, dh, seq * dh, 1],
        0,
        [seq * n, n, dh, 1],
        0,
        1,
        false,
      );
    }
    const gr = rowsGrad.buf;
    sink.into(x, (d, acc) => be.matmul(gr, weight.buf, d.buf, { ...mm, m: rows, n: k, k: n, accumulate: acc }));
    sink.into(weight, (d, acc) => be.matmul(gr, x.buf, d.buf, { ...mm, m: n, n: k, k: rows, transA: true, accumulate: acc }));
    sink.into(bias, (d, acc) => be.columnSums(gr, d.buf, rows, n, acc));
    if (rowsGrad !== g) rowsGrad.dispose();
  });
}
