/** Composite ops built from the differentiable primitives: Linear, log-sum-exp, log-softmax, a non-finite check. */
import type { Tensor } from '../tensor';
import { noGrad } from '../autograd';
import { add, sub } from './elementwise';
import { matmul } from './matmul';
import { max, sum } from './reduce';
import { exp, log } from './unary';
import { checkInputs, output } from './util';

/** x·Wᵀ + b with W [out, in] as torch.nn.Linear; x [..., in] (the weight is shared across the batch, no copy). */
export function linear(x: Tensor, weight: Tensor, bias?: Tensor | null): Tensor {
  if (weight.rank !== 2 || x.shape[x.rank - 1] !== weight.shape[1])
    throw new Error(`linear: x ${x.describe()} does not match weight ${weight.describe()} ([out, in])`);
  const y = matmul(x, weight, { transB: true });
  return bias ? add(y, bias) : y;
}

/** log Σ exp(x) over one axis, stabilised by the (constant) row maximum. */
export function logSumExp(x: Tensor, axis: number, opts: { keepDim?: boolean } = {}): Tensor {
  // The shift m cancels analytically, so it is taken without a gradient (as torch.logsumexp does).
  const m = noGrad(() => max(x, axis, { keepDim: true }));
  const lse = add(log(sum(exp(sub(x, m)), axis, { keepDim: true })), m);
  if (opts.keepDim) return lse;
  return sum(lse, axis);
}

/** log softmax over the last axis. */
export function logSoftmax(x: Tensor): Tensor {
  return sub(x, logSumExp(x, -1, { keepDim: true }));
}

/** A one-element tensor: 1 if any element of the tensors is NaN or ±Inf, else 0 (read it when you want to know). */
export function nonFiniteFlag(tensors: readonly Tensor[]): Tensor {
  if (tensors.length === 0) throw new Error('nonFiniteFlag: no tensors');
  checkInputs('nonFiniteFlag', [...tensors]);
  const flag = output(tensors[0], [1], 'non-finite flag');
  const be = tensors[0].backend;
  be.fill(flag.buf, 0);
  for (const t of tensors) be.checkFinite(t.buf, flag.buf);
  return flag;
}
