/** Constant tensors (no gradient): zeros, filled, identity, from data, integer ranges, seeded uniform. */
import type { Backend, MemoryCategory } from '../backend';
import { numel } from '../backend';
import { randomUniform } from '../cpu/random';
import { Tensor } from '../tensor';

/** A tensor filled with `value`. */
export function full(backend: Backend, shape: readonly number[], value: number, category: MemoryCategory = 'activations'): Tensor {
  const t = Tensor.empty(backend, shape, { category, label: 'full' });
  backend.fill(t.buf, value);
  return t;
}

/** Zeros. */
export function zeros(backend: Backend, shape: readonly number[], category: MemoryCategory = 'activations'): Tensor {
  return full(backend, shape, 0, category);
}

/** scale·I as [m, m], or [...batch, m, m] repeated. */
export function eye(backend: Backend, m: number, batch: readonly number[] = [], scale = 1): Tensor {
  const t = Tensor.empty(backend, [...batch, m, m], { label: 'eye' });
  backend.eye(t.buf, numel(batch), m, scale);
  return t;
}

/** A float tensor holding `data`. */
export function tensor(
  backend: Backend,
  data: ArrayLike<number>,
  shape: readonly number[],
  category: MemoryCategory = 'activations',
): Tensor {
  return Tensor.fromArray(backend, data, shape, { category, label: 'tensor' });
}

/** An i32 tensor (token ids, labels). */
export function intTensor(backend: Backend, data: ArrayLike<number>, shape: readonly number[]): Tensor {
  return Tensor.fromArray(backend, data, shape, { dtype: 'i32', label: 'ints' });
}

/** i32 [0, 1, …, n − 1] (InfoNCE labels). */
export function arange(backend: Backend, n: number): Tensor {
  return intTensor(
    backend,
    Array.from({ length: n }, (_, i) => i),
    [n],
  );
}

/**
 * `count` values uniform in [lo, hi) from the shared counter-based generator (seeded, reproducible),
 * into `out` when given (a caller that draws every step reuses one array).
 */
export function uniformValues(
  seed: number,
  count: number,
  lo: number,
  hi: number,
  offset = 0,
  out: Float64Array = new Float64Array(count),
): Float64Array {
  if (out.length < count) throw new Error(`uniformValues: ${count} values do not fit an array of ${out.length}`);
  for (let i = 0; i < count; i++) out[i] = lo + (hi - lo) * randomUniform(seed, offset + i);
  return out;
}
