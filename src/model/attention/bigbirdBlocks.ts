/**
 * BigBird's block pattern (Zaheer et al. 2020, ITC: internal transformer construction), as
 * docs/baselines.md "BigBird" describes it. The sequence is cut into nb = n / b blocks of b
 * tokens. The first and the last block are global: their queries attend to every key. Every
 * other query block i attends to the union of
 *   - its sliding window: blocks i − 1, i, i + 1,
 *   - the two global blocks 0 and nb − 1,
 *   - r random blocks, drawn once per layer among the blocks in neither set.
 * A block listed twice (block 1's window holds global block 0) is kept once: the duplicate slot
 * is masked, so the union is attended exactly once. With nb ≤ 2 every block is global and the
 * layer is exact softmax attention.
 *
 * Pure functions of (nb, b, r, the draw): the module turns them into gather indices and a
 * slot mask once, and again only when the random blocks are loaded from a checkpoint.
 */
import type { Initialiser } from '../init';

/** Slots per non-global query block: 3 window + 2 global + r random. */
export function slotCount(randomBlocks: number): number {
  return 5 + randomBlocks;
}

/** Query blocks that attend sparsely (all but the first and the last); 0 when nb ≤ 2. */
export function sparseBlocks(nb: number): number {
  return Math.max(nb - 2, 0);
}

/** Blocks a sparse query block i may draw at random: neither in its window nor global. */
function candidates(i: number, nb: number): number[] {
  const fixed = new Set([i - 1, i, i + 1, 0, nb - 1]);
  return Array.from({ length: nb }, (_, j) => j).filter((j) => !fixed.has(j));
}

/**
 * The random blocks [sparseBlocks(nb), r] as block ids (−1 where fewer than r candidates
 * exist), r distinct ones per query block, drawn without replacement from the initialiser's
 * stream (the run's seed): a partial Fisher–Yates shuffle of the candidates.
 */
export function drawRandomBlocks(init: Initialiser, nb: number, r: number): Float32Array {
  const rows = sparseBlocks(nb);
  const out = new Float32Array(rows * r).fill(-1);
  const u = init.uniform(rows * r, 0.5); // in [−0.5, 0.5): shifted to [0, 1) below
  for (let row = 0; row < rows; row++) {
    const pool = candidates(row + 1, nb);
    for (let t = 0; t < r && t < pool.length; t++) {
      const pick = t + Math.min(Math.floor((u[row * r + t] + 0.5) * (pool.length - t)), pool.length - t - 1);
      [pool[t], pool[pick]] = [pool[pick], pool[t]];
      out[row * r + t] = pool[t];
    }
  }
  return out;
}

/** Why a stored draw cannot be used (a checkpoint edited by hand, another layout), or null. */
export function checkRandomBlocks(blocks: ArrayLike<number>, nb: number, r: number): string | null {
  if (blocks.length !== sparseBlocks(nb) * r) return `expected ${sparseBlocks(nb) * r} block ids, got ${blocks.length}`;
  for (let row = 0; row < sparseBlocks(nb); row++) {
    const allowed = new Set(candidates(row + 1, nb));
    for (let t = 0; t < r; t++) {
      const id = blocks[row * r + t];
      if (id !== -1 && !allowed.has(id))
        return `query block ${row + 1}: random block ${id} is not one of ${[...allowed].join(', ') || '(none)'} or −1`;
    }
  }
  return null;
}

/** The key blocks of sparse query block `row + 1`, slot by slot, and whether each slot counts. */
export function slotsOf(row: number, nb: number, r: number, random: ArrayLike<number>): { blocks: number[]; valid: boolean[] } {
  const i = row + 1;
  const listed = [i - 1, i, i + 1, 0, nb - 1];
  for (let t = 0; t < r; t++) listed.push(random[row * r + t]);
  const seen = new Set<number>();
  const valid = listed.map((blk) => {
    const ok = blk >= 0 && !seen.has(blk);
    seen.add(blk);
    return ok;
  });
  return { blocks: listed.map((blk) => Math.max(blk, 0)), valid };
}

export interface BlockLayout {
  /** Token positions gathered for the sparse query blocks: [sparseBlocks, slots · b] flattened. */
  gather: Int32Array;
  /** 1 where the gathered key counts, 0 for a duplicate or empty slot: same layout. */
  slotValid: Float32Array;
  /** nb × nb: 1 window or global, 2 random, 0 not attended (the views' block pattern). */
  pattern: Float32Array;
}

/** Gather positions, slot mask and block pattern for a draw. */
export function blockLayout(nb: number, b: number, r: number, random: ArrayLike<number>): BlockLayout {
  const s = slotCount(r);
  const rows = sparseBlocks(nb);
  const gather = new Int32Array(rows * s * b);
  const slotValid = new Float32Array(rows * s * b);
  const pattern = new Float32Array(nb * nb);
  for (const g of nb <= 2 ? Array.from({ length: nb }, (_, j) => j) : [0, nb - 1]) pattern.fill(1, g * nb, (g + 1) * nb);
  for (let row = 0; row < rows; row++) {
    const { blocks, valid } = slotsOf(row, nb, r, random);
    for (let slot = 0; slot < s; slot++) {
      const at = (row * s + slot) * b;
      for (let t = 0; t < b; t++) gather[at + t] = blocks[slot] * b + t;
      if (valid[slot]) {
        slotValid.fill(1, at, at + b);
        pattern[(row + 1) * nb + blocks[slot]] = slot >= 5 ? 2 : 1;
      }
    }
  }
  return { gather, slotValid, pattern };
}
