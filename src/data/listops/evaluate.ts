/**
 * An evaluator of ListOps token sequences written independently of the generator: it parses
 * the flat token list with an explicit stack (no knowledge of the generator's shape buffer or
 * recursion) and also reports the nesting depth, so tests can check labels and the rules.
 */

import { CLOSE, DIGIT_BASE, OP_MAX, OP_MED, OP_MIN, OP_SM } from './grammar';

export interface ListOpsEvaluation {
  value: number;
  depth: number;
  maxArgs: number;
  minArgs: number;
}

/** Parses and evaluates a token sequence; throws on a malformed one, naming the position. */
export function evaluateListOps(tokens: ArrayLike<number>): ListOpsEvaluation {
  const stack: { op: number; args: number[] }[] = [];
  let result: number | null = null;
  let depth = 0;
  let maxArgs = 0;
  let minArgs = Infinity;
  for (let i = 0; i < tokens.length; i++) {
    if (result !== null) throw new Error(`ListOps: tokens after the root closed at position ${i}`);
    const t = tokens[i];
    let value: number | null = null;
    if (t >= DIGIT_BASE && t <= DIGIT_BASE + 9) {
      value = t - DIGIT_BASE;
      if (stack.length + 1 > depth) depth = stack.length + 1;
    } else if (t === OP_MIN || t === OP_MAX || t === OP_MED || t === OP_SM) {
      stack.push({ op: t, args: [] });
      if (stack.length > depth) depth = stack.length;
    } else if (t === CLOSE) {
      const node = stack.pop();
      if (!node) throw new Error(`ListOps: unmatched ] at position ${i}`);
      if (node.args.length < 1) throw new Error(`ListOps: operator without arguments closed at ${i}`);
      maxArgs = Math.max(maxArgs, node.args.length);
      minArgs = Math.min(minArgs, node.args.length);
      value = reduce(node.op, node.args);
    } else {
      throw new Error(`ListOps: token id ${t} at position ${i} is not a digit, operator or ]`);
    }
    if (value !== null) {
      if (stack.length === 0) result = value;
      else stack[stack.length - 1].args.push(value);
    }
  }
  if (result === null || stack.length) throw new Error('ListOps: sequence ends before the root closes');
  return { value: result, depth, maxArgs, minArgs: minArgs === Infinity ? 0 : minArgs };
}

function reduce(op: number, args: number[]): number {
  if (op === OP_MIN) {
    let m = 9;
    for (const a of args) if (a < m) m = a;
    return m;
  }
  if (op === OP_MAX) {
    let m = 0;
    for (const a of args) if (a > m) m = a;
    return m;
  }
  if (op === OP_SM) {
    let s = 0;
    for (const a of args) s = (s + a) % 10;
    return s;
  }
  // MED: numpy.median then int(): the mean of the two middle values, truncated toward zero.
  const sorted = Int32Array.from(args).sort();
  const n = sorted.length;
  return n & 1 ? sorted[(n - 1) / 2] : ((sorted[n / 2 - 1] + sorted[n / 2]) / 2) | 0;
}
