/**
 * The fused Linear's kernel choice against a filled matmul table (no GPU): it follows the tuned
 * choice of its product's shape class, mapped to the Linear's versions, and keeps its rule
 * where the class has none or the matmul kernel is forced. The GPU side (each version and side
 * against the CPU, and a tuned class end to end) is in backend.test.ts and matmulTuner.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { matmulClass } from './shapeClass';
import { LINEAR_REG4, LINEAR_TILED, LinearChoice, linearForMatmul, linearProduct, linearReg4, linearRule } from './linearChoice';
import { MatmulTable } from './matmulTable';
import { matmulCandidates } from './matmulTuner';

describe('the fused Linear follows the tuned matmul choice of its shape class', () => {
  it('maps every matmul candidate to a Linear version: reg4 keeps its side, tiled and naive run tiled', () => {
    const mapped = Object.fromEntries([...matmulCandidates()].map(([name, c]) => [name, linearForMatmul(c).name]));
    expect(mapped).toEqual({
      naive: 'linear tiled',
      'reg4/4': 'linear reg4/4',
      'reg4/8': 'linear reg4/8',
      'reg4/16': 'linear reg4/16',
      tiled: 'linear tiled',
    });
    expect([...LINEAR_REG4.keys()]).toEqual([4, 8, 16]);
    expect(() => linearReg4(32)).toThrow(/side 32 is not one of 4, 8, 16/);
  });

  it('takes the tuned entry for its class and the rule for any other class', () => {
    for (const software of [true, false]) {
      const table = new MatmulTable();
      const choice = new LinearChoice(table, software);
      const rule = linearRule(software);
      expect(rule).toBe(software ? LINEAR_REG4.get(8) : LINEAR_TILED);
      expect(choice.pick(100, 64, 96)).toBe(rule); // empty table: the rule
      // The Linear's product x·Wᵀ is the class (1, rows, n, k, Bᵀ): 100 × 64 · (96 × 64)ᵀ.
      table.set(linearProduct(100, 64, 96), { kernel: 'reg4', rw: 4 });
      expect(choice.pick(100, 64, 96)).toBe(LINEAR_REG4.get(4));
      expect(choice.pick(128, 33, 65)).toBe(LINEAR_REG4.get(4)); // same class (rounded up to powers of two)
      expect(choice.pick(129, 64, 96)).toBe(rule); // rows 129 → another class
      // A plain product of the same sizes without the transpose is another class.
      table.set({ ...linearProduct(8, 8, 8), transB: false }, { kernel: 'tiled', rw: 0 });
      expect(choice.pick(8, 8, 8)).toBe(rule);
      table.set(linearProduct(8, 8, 8), { kernel: 'naive', rw: 0 });
      expect(choice.pick(8, 8, 8)).toBe(LINEAR_TILED);
      table.set(linearProduct(100, 64, 96), { kernel: 'tiled', rw: 0 });
      expect(choice.pick(100, 64, 96)).toBe(LINEAR_TILED);
    }
  });

  it('keeps the rule when the matmul kernel is forced (no table), and a test may replace the rule', () => {
    const choice = new LinearChoice(null, true);
    expect(choice.pick(100, 64, 96)).toBe(LINEAR_REG4.get(8));
    choice.rule = LINEAR_TILED;
    expect(choice.pick(100, 64, 96)).toBe(LINEAR_TILED);
  });

  it('while the table records, a Linear class met for the first time waits to be tuned (once)', () => {
    const table = new MatmulTable();
    table.recording = true;
    const choice = new LinearChoice(table, false);
    expect(choice.pick(100, 64, 96)).toBe(LINEAR_TILED);
    expect(choice.pick(120, 60, 90)).toBe(LINEAR_TILED);
    expect(table.pendingCount).toBe(1);
    expect(matmulClass(linearProduct(120, 60, 90))).toBe(matmulClass(linearProduct(100, 64, 96)));
    expect(choice.pick(3, 64, 96)).toBe(LINEAR_TILED);
    expect(table.pendingCount).toBe(2);
  });
});
