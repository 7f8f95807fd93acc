/**
 * BigBird's views (docs/models.md "Views"): the block pattern (nb × nb: 1 window or global, 2
 * random) and the implied n×n attention, assembled on the CPU from the rows the layer computed:
 * the global rows as they are, each sparse row's probabilities put back at the positions its
 * key slots were gathered from (positions −1 are masked slots and get nothing).
 */
import type { Matrix } from './views';

export interface ReadTensor {
  shape: readonly number[];
  data: Float32Array;
}

/** Head h of the layer's implied n×n attention. */
export function impliedAttention(global: ReadTensor, blocks: ReadTensor | undefined, positions: ReadTensor | undefined, h: number): Matrix {
  const [, heads, g, n] = global.shape;
  const out = new Float32Array(n * n);
  const globalHead = global.data.subarray(h * g * n, (h + 1) * g * n);
  if (!blocks || !positions || g === n) {
    out.set(globalHead);
    return { rows: n, cols: n, data: out };
  }
  const b = g / 2;
  out.set(globalHead.subarray(0, b * n), 0);
  out.set(globalHead.subarray(b * n), (n - b) * n);
  const [, , sparseRows, width] = blocks.shape;
  if (blocks.shape[1] !== heads) throw new Error(`BigBird views: ${blocks.shape[1]} heads of blocks for ${heads} global`);
  const head = blocks.data.subarray(h * sparseRows * width, (h + 1) * sparseRows * width);
  for (let i = 0; i < sparseRows; i++) {
    const slotRow = Math.floor(i / b) * width;
    for (let j = 0; j < width; j++) {
      const pos = positions.data[slotRow + j];
      if (pos >= 0) out[(b + i) * n + pos] += head[i * width + j];
    }
  }
  return { rows: n, cols: n, data: out };
}

/** The nb × nb block pattern (the same for every head). */
export function blockPattern(pattern: ReadTensor): Matrix {
  const [rows, cols] = pattern.shape.slice(-2);
  return { rows, cols, data: pattern.data.slice() };
}
