/**
 * What the user edits, turned into the model's tokens with the data layer's vocabularies:
 * a ListOps expression (src/data/listops/grammar.ts ids), a mail (UTF-8 bytes, token = byte + 1),
 * a drawn digit (28×28 gray pixels, pooled to the config's imageSize, token = pixel + 1).
 * Every parse error says where and what is allowed.
 */
import { dividesMnist, type RunConfig } from '../config';
import { poolDigit } from '../data/corpora/image';
import { evaluateListOps } from '../data/listops/evaluate';
import { CLOSE, DIGIT_BASE, OP_MAX, OP_MED, OP_MIN, OP_SM } from '../data/listops/grammar';
import type { InferenceBatch } from './engineLogits';

const OPERATOR_IDS: Record<string, number> = { MIN: OP_MIN, MAX: OP_MAX, MED: OP_MED, SM: OP_SM };

/** A parsed ListOps expression: its tokens and its true value (the label a perfect model predicts). */
export interface ListOpsInput {
  tokens: Int32Array;
  value: number;
}

/**
 * Parse "[MAX 2 9 [MIN 4 7 ] 0 ]" into token ids. Operators may be written `[MAX` or `[ MAX`
 * (the LRA text uses `(`/`)` too: both are accepted); digits 0–9; `]` closes.
 */
export function parseListOps(text: string): ListOpsInput {
  const words = text.replace(/[[(]/g, ' [ ').replace(/[\])]/g, ' ] ').trim().split(/\s+/).filter(Boolean);
  const tokens: number[] = [];
  for (let i = 0; i < words.length; i++) {
    const w = words[i];
    if (w === '[') {
      const op = (words[i + 1] ?? '').toUpperCase();
      if (!(op in OPERATOR_IDS))
        throw new Error(
          `ListOps: "[" at word ${i + 1} must be followed by an operator (MIN, MAX, MED, SM), got ${JSON.stringify(words[i + 1] ?? 'the end')}.`,
        );
      tokens.push(OPERATOR_IDS[op]);
      i++;
    } else if (w === ']') tokens.push(CLOSE);
    else if (/^[0-9]$/.test(w)) tokens.push(DIGIT_BASE + Number(w));
    else
      throw new Error(
        `ListOps: ${JSON.stringify(w.slice(0, 20))} at word ${i + 1} is not a token; allowed: digits 0–9, [MIN, [MAX, [MED, [SM and ].`,
      );
  }
  if (tokens.length === 0) throw new Error('ListOps: the expression is empty; type e.g. [MAX 2 9 [MIN 4 7 ] 0 ].');
  const { value } = evaluateListOps(tokens);
  return { tokens: Int32Array.from(tokens), value };
}

/** Mail text → byte tokens (byte + 1), cut to `seqLen`. */
export function textToTokens(text: string, seqLen: number): Int32Array {
  const bytes = new TextEncoder().encode(text);
  return Int32Array.from(bytes.subarray(0, seqLen), (b) => b + 1);
}

/** A drawn 28×28 digit (0 = black, 255 = white, row-major) → pixel tokens at the config's imageSize. */
export function digitToTokens(pixels28: Uint8Array, imageSize: number): Int32Array {
  if (pixels28.length !== 28 * 28) throw new Error(`a digit has 784 pixels (28×28), got ${pixels28.length}.`);
  if (!dividesMnist(imageSize)) throw new Error(`imageSize ${imageSize} does not divide 28; allowed 28, 14, 7.`);
  return Int32Array.from(poolDigit(pixels28, imageSize), (p) => p + 1);
}

/** One example (two towers: two) as a batch of one row, padded with id 0 / mask 0 to `seqLen`. */
export function singleBatch(config: Pick<RunConfig, 'seqLen' | 'vocabSize'>, tokens: Int32Array, tokens2?: Int32Array): InferenceBatch {
  const pad = (t: Int32Array) => {
    if (t.length > config.seqLen) throw new Error(`the input has ${t.length} tokens, more than the model's seqLen ${config.seqLen}.`);
    const max = t.reduce((a, b) => Math.max(a, b), 0);
    if (max >= config.vocabSize) throw new Error(`token id ${max} is outside the model's vocabulary (0…${config.vocabSize - 1}).`);
    const tokens = new Int32Array(config.seqLen);
    tokens.set(t);
    const mask = Float32Array.from(tokens, (_, i) => (i < t.length ? 1 : 0));
    return { tokens, mask };
  };
  const first = pad(tokens);
  const second = tokens2 ? pad(tokens2) : undefined;
  return { batch: 1, ...first, tokens2: second?.tokens, mask2: second?.mask };
}

/** Softmax of one row of logits (max-shifted). */
export function softmax(logits: ArrayLike<number>): Float64Array {
  let max = -Infinity;
  for (let i = 0; i < logits.length; i++) max = Math.max(max, logits[i]);
  const out = Float64Array.from({ length: logits.length }, (_, i) => Math.exp(logits[i] - max));
  const sum = out.reduce((a, b) => a + b, 0);
  return out.map((v) => v / sum);
}

/** max |a − b| over two equally long arrays. */
export function maxAbsDifference(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`cannot compare ${a.length} values with ${b.length}.`);
  let d = 0;
  for (let i = 0; i < a.length; i++) d = Math.max(d, Math.abs(a[i] - b[i]));
  return d;
}
