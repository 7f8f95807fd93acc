/**
 * How close a computed array must be to its reference: |actual − expected| ≤ abs + rel·|expected|
 * element by element (NaN never passes). One shape for every comparison in the tests: the op
 * cases against finite differences, WebGPU against the CPU reference.
 */
export interface Tolerance {
  abs: number;
  rel: number;
}
