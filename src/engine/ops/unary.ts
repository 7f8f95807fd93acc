/** Pointwise nonlinearities and maps: ReLU, GELU (erf form), exp, log, sqrt, abs, square. */
import { record } from '../autograd';
import type { UnaryOp } from '../backend';
import type { Tensor } from '../tensor';
import { checkInputs, output, scratch, writeOrAdd } from './util';

function map(op: UnaryOp, x: Tensor): Tensor {
  checkInputs(op, [x]);
  const y = output(x, x.shape, op);
  x.backend.unary(op, x.buf, y.buf);
  return y;
}

/** dst (+)= g ⊙ f(u, v) for a pointwise factor computed by `factor` into a scratch buffer. */
function chain(g: Tensor, d: Tensor, acc: boolean, factor: (t: Tensor) => void): void {
  const f = scratch(g, g.shape, 'pointwise grad');
  factor(f);
  writeOrAdd(d, acc, (out) => g.backend.binary('mul', g.buf, f.buf, out, [1, 1, 1, g.size], [0, 0, 0, 1], [0, 0, 0, 1]));
  f.dispose();
}

/** max(x, 0); gradient 0 at 0 as PyTorch. */
export function relu(x: Tensor): Tensor {
  const y = map('relu', x);
  return record('relu', y, [x], (g, sink) => sink.into(x, (d, acc) => x.backend.unaryGrad('relu', x.buf, g.buf, d.buf, acc)));
}

/** GELU, erf form (PyTorch's default nn.GELU()). */
export function gelu(x: Tensor): Tensor {
  const y = map('gelu', x);
  return record('gelu', y, [x], (g, sink) => sink.into(x, (d, acc) => x.backend.unaryGrad('gelu', x.buf, g.buf, d.buf, acc)));
}

/** e^x; dx = g·y. */
export function exp(x: Tensor): Tensor {
  const y = map('exp', x);
  return record('exp', y, [x], (g, sink) =>
    sink.into(x, (d, acc) => chain(g, d, acc, (f) => x.backend.unary('affine', y.buf, f.buf, 1, 0))),
  );
}

/** ln x; dx = g/x. */
export function log(x: Tensor): Tensor {
  const y = map('log', x);
  return record('log', y, [x], (g, sink) => sink.into(x, (d, acc) => chain(g, d, acc, (f) => x.backend.unary('recip', x.buf, f.buf))));
}

/** √x; dx = g/(2y). */
export function sqrt(x: Tensor): Tensor {
  const y = map('sqrt', x);
  return record('sqrt', y, [x], (g, sink) =>
    sink.into(x, (d, acc) =>
      chain(g, d, acc, (f) => {
        x.backend.unary('affine', y.buf, f.buf, 2, 0);
        x.backend.unary('recip', f.buf, f.buf);
      }),
    ),
  );
}

/** x²; dx = 2x·g. */
export function square(x: Tensor): Tensor {
  const y = map('square', x);
  return record('square', y, [x], (g, sink) =>
    sink.into(x, (d, acc) => chain(g, d, acc, (f) => x.backend.unary('affine', x.buf, f.buf, 2, 0))),
  );
}

/**
 * |x|; dx = g·sign(x) with sign(0) = 0 as PyTorch, computed as x / (|x| + 1e-30) (exact for
 * |x| ≥ 1e-22 in f32, and 0 at 0), since the kernels have no sign map.
 */
export function abs(x: Tensor): Tensor {
  const y = map('abs', x);
  return record('abs', y, [x], (g, sink) =>
    sink.into(x, (d, acc) =>
      chain(g, d, acc, (f) => {
        // binary kernels may not write a buffer they read (WebGPU aliasing rule): a second temporary.
        const denom = scratch(x, x.shape, 'abs grad');
        x.backend.unary('affine', y.buf, denom.buf, 1, 1e-30);
        x.backend.binary('div', x.buf, denom.buf, f.buf, [1, 1, 1, x.size], [0, 0, 0, 1], [0, 0, 0, 1]);
        denom.dispose();
      }),
    ),
  );
}
