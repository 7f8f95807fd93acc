/**
 * Linformer's implied n × n attention, for the exact-beside-approximation view. Its output is
 * softmax(s·Q(E·(K⊙mask))ᵀ) · E·(V⊙mask) = (P·E·diag(mask)) · V with P the n × k attention, so
 * P·E with padded columns zeroed is the matrix that mixes the value rows: what stands in for
 * softmax(s·QKᵀ). Unlike softmax its rows need not sum to 1 and its entries can be negative.
 */
import type { Matrix } from '../../model/views';

/** P [n × k] · E [k × n], columns of padded positions (`keep(j)` false) zeroed. */
export function linformerImplied(p: Matrix, e: Matrix, keep: (j: number) => boolean): Matrix {
  if (p.cols !== e.rows) throw new Error(`Linformer implied attention: P has ${p.cols} columns but E has ${e.rows} rows (both must be k)`);
  const n = p.rows;
  const cols = e.cols;
  const k = p.cols;
  const out = new Float32Array(n * cols);
  for (let i = 0; i < n; i++) {
    for (let r = 0; r < k; r++) {
      const w = p.data[i * k + r];
      if (w === 0) continue;
      const row = r * cols;
      for (let j = 0; j < cols; j++) out[i * cols + j] += w * e.data[row + j];
    }
  }
  for (let j = 0; j < cols; j++) if (!keep(j)) for (let i = 0; i < n; i++) out[i * cols + j] = 0;
  return { rows: n, cols, data: out };
}

/** |a − b| entrywise. */
export function absDiff(a: Matrix, b: Matrix): Matrix {
  if (a.data.length !== b.data.length) throw new Error(`absDiff: ${a.rows}×${a.cols} against ${b.rows}×${b.cols}`);
  const data = new Float32Array(a.data.length);
  for (let i = 0; i < data.length; i++) data[i] = Math.abs(a.data[i] - b.data[i]);
  return { rows: a.rows, cols: a.cols, data };
}

/** max |approx − exact| and ‖approx − exact‖_F / ‖exact‖_F (the worker's error, for a matrix the UI derives). */
export function errorAgainst(exact: Matrix, approx: Matrix): { maxAbs: number; relFrobenius: number } {
  let diff = 0;
  let norm = 0;
  let maxAbs = 0;
  for (let i = 0; i < exact.data.length; i++) {
    const d = approx.data[i] - exact.data[i];
    diff += d * d;
    norm += exact.data[i] * exact.data[i];
    maxAbs = Math.max(maxAbs, Math.abs(d));
  }
  return { maxAbs, relFrobenius: Math.sqrt(diff) / Math.max(Math.sqrt(norm), 1e-30) };
}
