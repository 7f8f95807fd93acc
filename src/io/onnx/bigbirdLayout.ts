/**
 * BigBird's block layout for the ONNX graph (docs/baselines.md "BigBird"), from the stored random
 * blocks `layers.{i}.attn.random_blocks`: the token positions each sparse query block gathers,
 * which of them count, and the block one-hot that puts the sparse rows back in place for the
 * implied n × n view. The engine builds the same layout in src/model/attention/bigbirdBlocks.ts;
 * the exporter may not import the model (src/layers.test.ts puts io below it), so the few lines
 * are written again here and the parity tests against PyTorch check that they agree.
 */

/** Slots per sparse query block: 3 window + 2 global + r random. */
export const slotCount = (random: number): number => 5 + random;

/** The layout of one layer: nb = n / b blocks, rows = nb − 2 sparse query blocks, width = slots · b. */
export interface BigBirdLayout {
  /** Token positions gathered by each sparse query block, [rows, width] row-major. */
  positions: number[];
  /** 1 where the gathered key counts, 0 for a duplicate or an empty slot: [rows, width]. */
  slotValid: Float32Array;
  /** Block one-hot, transposed: [rows, nb, slots], 1 where a counting slot holds that key block. */
  blockOfSlot: Float32Array;
  /** nb × nb: 1 window or global, 2 random, 0 not attended (the reference's `block_pattern`). */
  pattern: Float32Array;
}

/** Blocks sparse query block i may draw at random: neither in its window nor global. */
function candidates(i: number, nb: number): Set<number> {
  const fixed = new Set([i - 1, i, i + 1, 0, nb - 1]);
  return new Set(Array.from({ length: nb }, (_, j) => j).filter((j) => !fixed.has(j)));
}

/**
 * The layout for nb ≥ 3 blocks of b tokens and r random blocks per query block, from the stored
 * draw [nb − 2, max(r, 1)] (ignored when r = 0, as the engine does). A draw naming a block that is
 * neither −1 nor allowed (a hand-edited or foreign file) is refused, not clamped: the engine would
 * refuse to load it too.
 */
export function bigbirdLayout(nb: number, b: number, r: number, stored: ArrayLike<number>, name: string): BigBirdLayout {
  const rows = nb - 2;
  if (rows < 1) throw new Error(`BigBird layout: ${nb} block(s) leave no sparse query block (the layer is exact softmax)`);
  if (r > 0 && stored.length !== rows * r) throw new Error(`BigBird ${name}: expected ${rows * r} block ids, got ${stored.length}`);
  const slots = slotCount(r);
  const width = slots * b;
  const positions: number[] = new Array(rows * width);
  const slotValid = new Float32Array(rows * width);
  const blockOfSlot = new Float32Array(rows * nb * slots);
  const pattern = new Float32Array(nb * nb);
  pattern.fill(1, 0, nb);
  pattern.fill(1, (nb - 1) * nb, nb * nb);
  for (let row = 0; row < rows; row++) {
    const i = row + 1;
    const allowed = candidates(i, nb);
    const listed = [i - 1, i, i + 1, 0, nb - 1];
    for (let t = 0; t < r; t++) {
      const id = stored[row * r + t];
      if (id !== -1 && !allowed.has(id))
        throw new Error(`BigBird ${name}: query block ${i}: random block ${id} is not one of ${[...allowed].join(', ') || '(none)'} or −1`);
      listed.push(id);
    }
    const seen = new Set<number>();
    listed.forEach((block, slot) => {
      const counts = block >= 0 && !seen.has(block);
      seen.add(block);
      const at = (row * slots + slot) * b;
      for (let t = 0; t < b; t++) positions[at + t] = Math.max(block, 0) * b + t;
      if (!counts) return;
      slotValid.fill(1, at, at + b);
      blockOfSlot[(row * nb + block) * slots + slot] = 1;
      pattern[i * nb + block] = slot >= 5 ? 2 : 1;
    });
  }
  return { positions, slotValid, blockOfSlot, pattern };
}
