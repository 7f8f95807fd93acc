/** CPU reference of `kernels/axpy.wgsl`: y ← alpha·x + y. */
export function axpy(alpha: number, x: Float32Array, y: Float32Array): Float32Array {
  const out = new Float32Array(y.length);
  for (let i = 0; i < y.length; i++) out[i] = Math.fround(alpha * x[i] + y[i]);
  return out;
}
