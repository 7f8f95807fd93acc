import { describe, expect, it } from 'vitest';
import { listOpsToText } from '../data/render';
import { digitToTokens, maxAbsDifference, parseListOps, singleBatch, softmax, textToTokens } from './inputs';

describe('inference inputs', () => {
  it('parses ListOps text into the data layer ids, with its value; the renderer prints it back', () => {
    const parsed = parseListOps('[MAX 2 9 [MIN 4 7 ] 0 ]');
    expect(parsed.value).toBe(9);
    expect(listOpsToText(parsed.tokens)).toBe('[MAX 2 9 [MIN 4 7 ] 0 ]');
    expect(parseListOps('( sm 5 ( med 1 2 3 ) )')).toEqual({ tokens: parseListOps('[SM 5 [MED 1 2 3 ] ]').tokens, value: 7 });
    expect(() => parseListOps('[MAX 2 12 ]')).toThrow(/"12" at word 4 is not a token; allowed: digits 0–9/);
    expect(() => parseListOps('[FOO 1 ]')).toThrow(/must be followed by an operator/);
    expect(() => parseListOps('[MAX 1 2')).toThrow(/ends before the root closes/);
    expect(() => parseListOps('  ')).toThrow(/empty/);
  });

  it('encodes mail bytes and drawn digits as the corpora do, and pads one example', () => {
    expect([...textToTokens('Hé', 10)]).toEqual([0x48 + 1, 0xc3 + 1, 0xa9 + 1]);
    expect(textToTokens('abcdef', 4).length).toBe(4);
    const pixels = new Uint8Array(784);
    pixels.fill(255, 0, 28 * 4); // the top four rows white
    const seven = digitToTokens(pixels, 7);
    expect(seven.length).toBe(49);
    expect([...seven.subarray(0, 8)]).toEqual([256, 256, 256, 256, 256, 256, 256, 1]);
    const b = singleBatch({ seqLen: 6, vocabSize: 16 }, Int32Array.from([3, 4]));
    expect([...b.tokens]).toEqual([3, 4, 0, 0, 0, 0]);
    expect([...b.mask]).toEqual([1, 1, 0, 0, 0, 0]);
    expect(() => singleBatch({ seqLen: 1, vocabSize: 16 }, Int32Array.from([3, 4]))).toThrow(/more than the model's seqLen 1/);
    expect(() => singleBatch({ seqLen: 4, vocabSize: 16 }, Int32Array.from([16]))).toThrow(/outside the model's vocabulary/);
  });

  it('softmax and the largest difference', () => {
    const p = softmax([1000, 1000 + Math.log(3)]);
    expect(p[0]).toBeCloseTo(0.25, 12);
    expect(p[1]).toBeCloseTo(0.75, 12);
    expect(maxAbsDifference([1, 2, 3], [1, 2.5, 2])).toBe(1);
  });
});
