/** Op behaviour that the gradient checks do not cover: validation messages, dropout streams, the non-finite flag. */
import { describe, expect, it } from 'vitest';
import { CpuBackend } from '../cpu/backend';
import type { Tensor } from '../tensor';
import {
  DropoutStream,
  broadcastTo,
  dropout,
  matmul,
  nonFiniteFlag,
  segmentMean,
  slice,
  splitHeads,
  tensor,
  depthwiseConv,
  concat,
} from './index';

const read = (t: Tensor) => Array.from((t.backend as CpuBackend).readSync(t.buf));
const be = new CpuBackend();
const ones = (shape: number[]) => tensor(be, new Array(shape.reduce((a, b) => a * b, 1)).fill(1), shape);

describe('dropout', () => {
  it('draws disjoint counter ranges for successive sites, and p = 0 is the identity', () => {
    const s = new DropoutStream(5);
    const x = ones([4, 8]);
    const a = read(dropout(x, 0.5, s));
    const b = read(dropout(x, 0.5, s));
    expect(s.offset).toBe(64);
    expect(a).not.toEqual(b);
    expect(new Set(a)).toEqual(new Set([0, 2]));
    expect(dropout(x, 0, s)).toBe(x);
    expect(() => dropout(x, 1, s)).toThrow(/p = 1 must be in \[0, 1\)/);
  });
});

describe('nonFiniteFlag', () => {
  it('is 0 for finite tensors and 1 once any holds NaN or Inf', () => {
    expect(read(nonFiniteFlag([ones([3]), ones([2, 2])]))).toEqual([0]);
    expect(read(nonFiniteFlag([ones([3]), tensor(be, [1, NaN], [2])]))).toEqual([1]);
  });
});

describe('validation names the op and the shapes', () => {
  it.each([
    ['matmul batch', () => matmul(ones([2, 3, 4]), ones([3, 4, 5])), /matmul: .*batch dimensions \[2\] and \[3\] differ .*broadcastTo/],
    ['matmul rank', () => matmul(ones([4]), ones([4, 2])), /both operands need at least 2 dimensions/],
    ['segmentMean', () => segmentMean(ones([2, 7, 3]), 3), /segmentMean: sequence length 7 of .* is not divisible by 3 segments/],
    ['slice', () => slice(ones([2, 5]), 1, 4, 2), /slice: \[4, 6\) is outside axis 1/],
    ['splitHeads', () => splitHeads(ones([2, 3, 5]), 2), /splitHeads: .* width divisible by 2 heads/],
    ['broadcastTo', () => broadcastTo(ones([3, 2]), [3, 4]), /broadcastTo: shapes \[3, 2\] and \[3, 4\] do not broadcast/],
    ['depthwiseConv', () => depthwiseConv(ones([1, 2, 4, 3]), ones([3, 5])), /depthwiseConv: x .* \[B, H, n, d_h\] and weight .* \[H, k\]/],
    ['concat', () => concat([ones([2, 3]), ones([3, 3])], 1), /concat: \[2, 3\], \[3, 3\] differ outside axis 1/],
  ])('%s', (_, f, message) => expect(f).toThrow(message));
});
