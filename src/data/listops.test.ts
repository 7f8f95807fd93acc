import { describe, expect, it } from 'vitest';
import { hash53 } from './hash';
import { CLOSE, DIGIT_BASE, OPERATORS, OP_MAX, OP_MED, OP_MIN, OP_SM } from './listops/grammar';
import { evaluateListOps } from './listops/evaluate';
import { LRA_LISTOPS_RULES, sampleListOps, VALUE_P, type ListOpsRules } from './listops/sample';
import { createListOpsTask, LISTOPS_PRESETS, type ListOpsConfig } from './listops/task';
import { type Sfc32, streamRng } from './rng';

const small: ListOpsConfig = { ...LISTOPS_PRESETS.small, sizes: { train: 5000, validation: 300, test: 300 } };

/** LRA's generate_tree written plainly: whole trees, then the length filter (the reference for the shape-first sampler). */
function naiveTree(rng: Sfc32, rules: ListOpsRules): { tokens: number[] } {
  for (;;) {
    const tokens: number[] = [];
    const node = (depth: number): void => {
      const r = depth < rules.maxDepth ? rng.float() : 1;
      if (r > VALUE_P) {
        tokens.push(DIGIT_BASE + rng.int(10));
        return;
      }
      const k = rng.intIn(2, rules.maxArgs);
      tokens.push(OPERATORS[rng.int(4)]);
      for (let c = 0; c < k; c++) node(depth + 1);
      tokens.push(CLOSE);
    };
    node(1);
    if (tokens.length >= rules.minLength && tokens.length <= rules.maxLength) return { tokens };
  }
}

describe('ListOps', () => {
  it('labels agree with the independent stack evaluator on thousands of trees, all within the window, depth and arity', () => {
    const cases: [ListOpsRules, number][] = [
      [LRA_LISTOPS_RULES, 1500],
      [small.rules, 2500],
      [{ minLength: 10, maxLength: 40, maxDepth: 4, maxArgs: 5 }, 1000],
    ];
    for (const [rules, n] of cases) {
      for (let i = 0; i < n; i++) {
        const t = sampleListOps(streamRng(11, 99, i), rules);
        const ev = evaluateListOps(t.tokens);
        expect(ev.value).toBe(t.label);
        expect(t.tokens.length).toBeGreaterThanOrEqual(rules.minLength);
        expect(t.tokens.length).toBeLessThanOrEqual(rules.maxLength);
        expect(ev.depth).toBeLessThanOrEqual(rules.maxDepth);
        expect(ev.minArgs).toBeGreaterThanOrEqual(2);
        expect(ev.maxArgs).toBeLessThanOrEqual(rules.maxArgs);
      }
    }
  });

  it('evaluates the operators by their definitions (MED truncates the mean of the middle pair)', () => {
    const d = (x: number) => DIGIT_BASE + x;
    expect(evaluateListOps([OP_MED, d(1), d(4), CLOSE]).value).toBe(2);
    expect(evaluateListOps([OP_MED, d(9), d(1), d(5), CLOSE]).value).toBe(5);
    expect(evaluateListOps([OP_SM, d(9), d(8), CLOSE]).value).toBe(7);
    expect(evaluateListOps([OP_MAX, d(2), OP_MIN, d(4), d(3), CLOSE, CLOSE]).value).toBe(3);
    expect(() => evaluateListOps([OP_MAX, d(2)])).toThrow(/ends before the root closes/);
    expect(() => evaluateListOps([d(1), d(2)])).toThrow(/after the root closed/);
  });

  it('the shape-first sampler matches plain whole-tree rejection in distribution', () => {
    const rules: ListOpsRules = { minLength: 30, maxLength: 90, maxDepth: 6, maxArgs: 6 };
    const N = 3000;
    const stats = (draw: (i: number) => ArrayLike<number>) => {
      let len = 0,
        ops = 0;
      const labels = new Array(10).fill(0);
      for (let i = 0; i < N; i++) {
        const t = draw(i);
        len += t.length;
        for (let k = 0; k < t.length; k++) if (t[k] === OP_MIN || t[k] === OP_MAX || t[k] === OP_MED || t[k] === OP_SM) ops++;
        labels[evaluateListOps(t).value]++;
      }
      return { len: len / N, ops: ops / N, labels: labels.map((c) => c / N) };
    };
    const fast = stats((i) => sampleListOps(streamRng(5, 1, i), rules).tokens);
    const slow = stats((i) => naiveTree(streamRng(6, 1, i), rules).tokens);
    // Standard errors at N = 3000: about 0.3 tokens for the length, 0.01 for a label share.
    expect(Math.abs(fast.len - slow.len)).toBeLessThan(1.5);
    expect(Math.abs(fast.ops - slow.ops)).toBeLessThan(0.5);
    for (let c = 0; c < 10; c++) expect(Math.abs(fast.labels[c] - slow.labels[c])).toBeLessThan(0.035);
  });

  it('same seed gives byte-identical batches, another seed differs, and batches follow the model contract', () => {
    const a = createListOpsTask(small, 3),
      b = createListOpsTask(small, 3),
      c = createListOpsTask(small, 4);
    for (const split of ['train', 'validation', 'test'] as const) {
      const x = a.batch(split, 2, 8),
        y = b.batch(split, 2, 8),
        z = c.batch(split, 2, 8);
      expect(Buffer.from(x.tokens.buffer)).toEqual(Buffer.from(y.tokens.buffer));
      expect(x.labels).toEqual(y.labels);
      expect(Buffer.from(x.tokens.buffer).equals(Buffer.from(z.tokens.buffer))).toBe(false);
    }
    const bt = a.batch('train', 0, 4);
    expect(bt.tokens.length).toBe(4 * small.seqLen);
    expect(bt.mask.length).toBe(4 * small.seqLen);
    for (let r = 0; r < 4; r++) {
      const ex = a.example('train', r);
      for (let j = 0; j < small.seqLen; j++) {
        expect(bt.tokens[r * small.seqLen + j]).toBe(j < ex.tokens.length ? ex.tokens[j] : 0);
        expect(bt.mask[r * small.seqLen + j]).toBe(j < ex.tokens.length ? 1 : 0);
      }
    }
    expect(a.vocabSize).toBe(16);
    expect(a.numClasses).toBe(10);
  });

  it('no tree is in two splits (disjoint streams plus hash de-duplication)', () => {
    const t = createListOpsTask({ ...small, sizes: { train: 2000, validation: 300, test: 300 } }, 9);
    const seen = new Map<number, string>();
    for (const split of ['validation', 'test', 'train'] as const) {
      for (let i = 0; i < t.splitSizes[split]; i++) {
        const h = hash53(t.example(split, i).tokens);
        if (split !== 'train') expect(seen.get(h), `${split} ${i}`).toBeUndefined();
        else expect(seen.get(h) ?? 'train', `train ${i} repeats an evaluation tree`).toBe('train');
        seen.set(h, split);
      }
    }
  });

  it('class balance: every value holds 5%–25% of a split (LRA ListOps favours 0 and 9)', () => {
    const t = createListOpsTask({ ...small, sizes: { train: 1000, validation: 1000, test: 300 } }, 1);
    for (const split of ['train', 'validation'] as const) {
      const b = t.classBalance(split);
      expect(b.measured).toBe(1000);
      for (const c of b.counts) {
        expect(c / b.measured).toBeGreaterThan(0.05);
        expect(c / b.measured).toBeLessThan(0.25);
      }
    }
  });

  it('the paper preset produces its evaluation splits and first batches quickly', () => {
    const t0 = performance.now();
    const t = createListOpsTask({ ...LISTOPS_PRESETS.paper, sizes: { train: 96000, validation: 2000, test: 2000 } }, 1);
    const b = t.batch('train', 0, 32);
    const ms = performance.now() - t0;
    expect(b.tokens.length).toBe(32 * 2048);
    // Not a timing assertion on a busy machine; the figure is printed for the report.
    console.log(`ListOps paper preset: 4000 evaluation trees + first train batch in ${ms.toFixed(0)} ms`);
  });

  it('rejects bad rules with a message naming the parameter', () => {
    expect(() => createListOpsTask({ ...small, rules: { ...small.rules, maxLength: 10, minLength: 20 } }, 1)).toThrow(
      /maxLength must be an integer in \[20/,
    );
    expect(() => createListOpsTask({ ...small, seqLen: 100 }, 1)).toThrow(/seqLen/);
  });
});
