/**
 * A line budget per tracked source file, so that a file keeps one job: past the budget it is
 * doing two, and the fix is to split it, not to raise the number. Lines are counted as `wc -l`
 * does, after the formatter has wrapped long lines (biome.jsonc, line width 140), so a file
 * cannot hide its size in very long lines.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

/** The kinds of file the budget covers: code in every language of the repo. */
const SOURCE = /\.(ts|tsx|wgsl|py|mjs|sh)$/;
/** Test files: the cases of one unit and their fixtures stay side by side. */
const TEST = /(\.test\.tsx?|\.spec\.ts|(^|\/)test_[^/]*\.py)$/;

const SOURCE_BUDGET = 400;
/**
 * Larger for tests: one unit's cases read best in one file (a kernel's shapes, edge cases and
 * error messages), and splitting them by count rather than by subject scatters that unit.
 */
const TEST_BUDGET = 600;

function lineCount(text: string): number {
  let lines = 0;
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) lines++;
  return lines;
}

function budgetFor(path: string): number {
  return TEST.test(path) ? TEST_BUDGET : SOURCE_BUDGET;
}

/** Every tracked source file over its budget, as `path: lines > budget`, longest first. */
function overBudget(paths: readonly string[], read: (path: string) => string): string[] {
  return paths
    .filter((p) => SOURCE.test(p))
    .map((path) => ({ path, lines: lineCount(read(path)), budget: budgetFor(path) }))
    .filter((f) => f.lines > f.budget)
    .sort((a, b) => b.lines - a.lines)
    .map((f) => `${f.path}: ${f.lines} lines > ${f.budget}`);
}

describe('line budget per file', () => {
  it('counts lines as wc -l and gives tests the larger budget', () => {
    expect(lineCount('')).toBe(0);
    expect(lineCount('a\nb\n')).toBe(2);
    expect(lineCount('a\nb')).toBe(1);
    expect(budgetFor('src/engine/webgpu/backend.ts')).toBe(SOURCE_BUDGET);
    expect(budgetFor('src/engine/webgpu/backend.test.ts')).toBe(TEST_BUDGET);
    expect(budgetFor('e2e/inference.spec.ts')).toBe(TEST_BUDGET);
    expect(budgetFor('python/tests/test_config.py')).toBe(TEST_BUDGET);
    expect(budgetFor('python/proxyformer/encoder.py')).toBe(SOURCE_BUDGET);
    // Made-up files (under a folder the repository does not have, so the docs check leaves them alone).
    const files: Record<string, string> = {
      'fixture/big.ts': 'x\n'.repeat(SOURCE_BUDGET + 1),
      'fixture/ok.ts': 'x\n'.repeat(SOURCE_BUDGET),
      'fixture/big.test.ts': 'x\n'.repeat(SOURCE_BUDGET + 1),
      'fixture/long.md': 'x\n'.repeat(10 * SOURCE_BUDGET),
    };
    expect(overBudget(Object.keys(files), (p) => files[p])).toEqual([`fixture/big.ts: ${SOURCE_BUDGET + 1} lines > ${SOURCE_BUDGET}`]);
  });

  it(`no tracked source file is over ${SOURCE_BUDGET} lines (tests: ${TEST_BUDGET})`, () => {
    const tracked = execFileSync('git', ['ls-files', '-z'], { encoding: 'utf8' }).split('\0').filter(Boolean);
    expect(tracked.length).toBeGreaterThan(0);
    expect(overBudget(tracked, (p) => readFileSync(p, 'utf8'))).toEqual([]);
  });
});
