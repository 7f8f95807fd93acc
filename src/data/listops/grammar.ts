/**
 * ListOps vocabulary (LRA, after its pipeline strips brackets): the ten digits, the four
 * operators and the closing bracket `]` (LRA renames it X). Id 0 is padding.
 */

export const DIGIT_BASE = 1; // digit d has id d + 1
export const OP_MIN = 11;
export const OP_MAX = 12;
export const OP_MED = 13;
export const OP_SM = 14;
export const CLOSE = 15;
export const LISTOPS_VOCAB = 16;
export const OPERATORS = [OP_MIN, OP_MAX, OP_MED, OP_SM] as const;

const NAMES: Record<number, string> = { [OP_MIN]: 'MIN', [OP_MAX]: 'MAX', [OP_MED]: 'MED', [OP_SM]: 'SM', [CLOSE]: ']' };

/** The printed symbol of a token id (operators print with their opening bracket). */
export function symbolOf(id: number): string {
  if (id >= DIGIT_BASE && id < DIGIT_BASE + 10) return String(id - DIGIT_BASE);
  if (id === CLOSE) return ']';
  const name = NAMES[id];
  if (name === undefined) throw new Error(`not a ListOps token id: ${id} (allowed 1..15)`);
  return `[${name}`;
}
