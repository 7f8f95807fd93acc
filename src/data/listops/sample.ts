/**
 * ListOps trees by the rules of LRA's `listops.py`: a node at depth < maxDepth is an operator
 * with probability VALUE_P = 0.25 (else a digit 0–9); an operator takes randint(2, maxArgs)
 * children and one of MIN, MAX, MED, SM uniformly; the root has depth 1; a tree of L tokens
 * (each operator counts its own token and its `]`) is kept only if minLength ≤ L ≤ maxLength
 * (LRA: 500 < L < 2000).
 *
 * Speed without changing the distribution. LRA samples whole trees and rejects by length.
 * Here each attempt first draws only the tree's SHAPE (leaf/operator and argument counts,
 * which alone fix the length) and abandons the attempt as soon as its running length passes
 * maxLength; digits and operators are drawn only for accepted shapes. Because the shape and
 * the labels of the nodes are independent under the LRA rules, and an attempt that passes
 * maxLength would be rejected whatever its remaining draws, the accepted trees have exactly
 * the LRA conditional distribution (tree | length in window); only the order in which the
 * random numbers are consumed differs from the Python code.
 */

import type { Sfc32 } from '../rng';
import { checkInt } from '../task';
import { CLOSE, DIGIT_BASE, OPERATORS, OP_MAX, OP_MED, OP_MIN, OP_SM } from './grammar';

export const VALUE_P = 0.25;

export interface ListOpsRules {
  minLength: number;
  maxLength: number;
  maxDepth: number;
  maxArgs: number;
}

/** LRA's values: 500 < length < 2000, depth ≤ 10, 2–10 arguments. */
export const LRA_LISTOPS_RULES: ListOpsRules = { minLength: 501, maxLength: 1999, maxDepth: 10, maxArgs: 10 };

/** Throws unless the rules are usable. */
export function checkListOpsRules(r: ListOpsRules): void {
  checkInt('ListOps maxDepth', r.maxDepth, 2, 64);
  checkInt('ListOps maxArgs', r.maxArgs, 2, 64);
  checkInt('ListOps minLength', r.minLength, 4, 1 << 20);
  checkInt('ListOps maxLength', r.maxLength, r.minLength, 1 << 20);
}

export interface ListOpsTree {
  tokens: Int32Array;
  /** The root's value as the generator's own recursion computed it. */
  label: number;
  depth: number;
  attempts: number;
}

const LEAF = -1;

/** Samples one tree whose length is in the window, consuming `rng`. Throws after maxAttempts. */
export function sampleListOps(rng: Sfc32, rules: ListOpsRules, maxAttempts = 1_000_000): ListOpsTree {
  const shape = new Int32Array(rules.maxLength); // pre-order: LEAF or the operator's arity
  for (let attempt = 1; attempt <= maxAttempts; attempt++) {
    const s = { length: 0, nodes: 0, depth: 0 };
    if (!drawShape(rng, rules, shape, s, 1)) continue;
    if (s.length < rules.minLength) continue;
    const tokens = new Int32Array(s.length);
    const w = { node: 0, token: 0 };
    const label = materialise(rng, shape, tokens, w);
    return { tokens, label, depth: s.depth, attempts: attempt };
  }
  throw new Error(
    `ListOps: no tree of length ${rules.minLength}–${rules.maxLength} in ${maxAttempts} attempts (window too narrow for maxDepth ${rules.maxDepth}, maxArgs ${rules.maxArgs})`,
  );
}

/** Draws the shape below a node at `depth`; false as soon as the running length exceeds maxLength. */
function drawShape(
  rng: Sfc32,
  rules: ListOpsRules,
  shape: Int32Array,
  s: { length: number; nodes: number; depth: number },
  depth: number,
): boolean {
  if (depth > s.depth) s.depth = depth;
  const r = depth < rules.maxDepth ? rng.float() : 1;
  if (r > VALUE_P) {
    if (s.length + 1 > rules.maxLength) return false;
    s.length += 1;
    shape[s.nodes++] = LEAF;
    return true;
  }
  const k = rng.intIn(2, rules.maxArgs);
  // An operator is its token, k ≥ 2 leaves at least, and `]`.
  if (s.length + 2 + k > rules.maxLength) return false;
  s.length += 2;
  shape[s.nodes++] = k;
  for (let c = 0; c < k; c++) if (!drawShape(rng, rules, shape, s, depth + 1)) return false;
  return true;
}

/** Writes the tokens of the subtree at shape[w.node] and returns its value. */
function materialise(rng: Sfc32, shape: Int32Array, out: Int32Array, w: { node: number; token: number }): number {
  const k = shape[w.node++];
  if (k === LEAF) {
    const d = rng.int(10);
    out[w.token++] = DIGIT_BASE + d;
    return d;
  }
  const op = OPERATORS[rng.int(4)];
  out[w.token++] = op;
  const values: number[] = [];
  for (let c = 0; c < k; c++) values.push(materialise(rng, shape, out, w));
  out[w.token++] = CLOSE;
  return applyOp(op, values);
}

function applyOp(op: number, v: number[]): number {
  switch (op) {
    case OP_MIN:
      return Math.min(...v);
    case OP_MAX:
      return Math.max(...v);
    case OP_SM:
      return v.reduce((a, b) => a + b, 0) % 10;
    case OP_MED: {
      const s = [...v].sort((a, b) => a - b);
      const m = s.length >> 1;
      return s.length % 2 ? s[m] : Math.trunc((s[m - 1] + s[m]) / 2);
    }
    default:
      throw new Error(`unknown ListOps operator id ${op}`);
  }
}
