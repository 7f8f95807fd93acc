import { describe, expect, it } from 'vitest';
import { CLOSE, DIGIT_BASE, OP_MAX, OP_MIN } from './listops/grammar';
import { bytesToText, listOpsToText, pixelTokensToRgba, renderExample } from './render';

describe('example renderer', () => {
  it('prints ListOps tokens as the LRA expression, skipping padding', () => {
    const d = (x: number) => DIGIT_BASE + x;
    expect(listOpsToText([OP_MAX, d(2), OP_MIN, d(4), d(3), CLOSE, d(0), CLOSE, 0, 0])).toBe('[MAX 2 [MIN 4 3 ] 0 ]');
    expect(() => listOpsToText([99])).toThrow(/not a ListOps token id: 99/);
  });

  it('turns byte tokens back into the UTF-8 text', () => {
    const text = 'Subject-free body: héllo ✓\n';
    const tokens = [...new TextEncoder().encode(text)].map((b) => b + 1).concat([0, 0]);
    expect(bytesToText(tokens)).toBe(text);
    expect(() => bytesToText([300])).toThrow(/outside 1..256/);
  });

  it('turns pixel tokens into opaque gray RGBA', () => {
    const img = pixelTokensToRgba([1, 256, 129, 0], 2, 2);
    expect(Array.from(img.data)).toEqual([0, 0, 0, 255, 255, 255, 255, 255, 128, 128, 128, 255, 0, 0, 0, 255]);
    const pf = renderExample('pathfinder', { tokens: new Int32Array(1024).fill(1), label: 0 });
    expect(pf.kind === 'image' && pf.image.width).toBe(32);
    const two = renderExample('retrieval', { tokens: Int32Array.from([105]), tokens2: Int32Array.from([106]), label: 1 });
    expect(two).toEqual({ kind: 'text', texts: ['h', 'i'] });
  });
});
