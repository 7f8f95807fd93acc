/** Ops along the sequence axis: segment means (Nyströmformer landmarks) and the depthwise conv skip on V. */
import { record } from '../autograd';
import type { Tensor } from '../tensor';
import { mean } from './reduce';
import { reshape } from './shape';
import { checkInputs, copyInto, output, scratch } from './util';

/**
 * Segment means over the sequence axis: x [..., n, d] → [..., m, d], row j the mean of rows
 * j·n/m … (j+1)·n/m − 1 (n must be divisible by m, as in the Nyströmformer reference code).
 */
export function segmentMean(x: Tensor, segments: number): Tensor {
  if (x.rank < 2) throw new Error(`segmentMean: ${x.describe()} must be [..., n, d]`);
  const [n, d] = x.shape.slice(-2);
  if (!Number.isInteger(segments) || segments < 1 || n % segments !== 0)
    throw new Error(`segmentMean: sequence length ${n} of ${x.describe()} is not divisible by ${segments} segments`);
  const lead = x.shape.slice(0, -2);
  return reshape(mean(reshape(x, [...lead, segments, n / segments, d]), -2), [...lead, segments, d]);
}

/**
 * Depthwise 1-D convolution along the sequence, one kernel per head shared by that head's
 * channels, zero padding k//2, no bias (Nyströmformer's conv skip on V):
 * x [B, H, n, d_h], weight [H, k] → [B, H, n, d_h].
 */
export function depthwiseConv(x: Tensor, weight: Tensor): Tensor {
  checkInputs('depthwiseConv', [x, weight]);
  if (x.rank !== 4 || weight.rank !== 2 || weight.shape[0] !== x.shape[1])
    throw new Error(`depthwiseConv: x ${x.describe()} must be [B, H, n, d_h] and weight ${weight.describe()} [H, k]`);
  const [b, heads, n, d] = x.shape;
  const k = weight.shape[1];
  const be = x.backend;
  const y = output(x, x.shape, 'depthwiseConv');
  be.dconv(x.buf, weight.buf, y.buf, b * heads, heads, n, d, k);
  return record('depthwiseConv', y, [x, weight], (g, sink) => {
    // Both gradients are computed into zeroed buffers, so the result does not depend on whether
    // a backend's dconvBackward sets or adds (the contract leaves that open).
    const run = (t: Tensor, which: 'dx' | 'dw') =>
      sink.into(t, (dst, acc) => {
        const target = acc ? scratch(t, t.shape, `depthwiseConv ${which}`) : dst;
        be.fill(target.buf, 0);
        be.dconvBackward(
          x.buf,
          weight.buf,
          g.buf,
          which === 'dx' ? target.buf : null,
          which === 'dw' ? target.buf : null,
          b * heads,
          heads,
          n,
          d,
          k,
        );
        if (acc) {
          copyInto(target, dst, 1, true);
          target.dispose();
        }
      });
    run(x, 'dx');
    run(weight, 'dw');
  });
}
