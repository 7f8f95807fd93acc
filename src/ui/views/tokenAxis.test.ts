import { describe, expect, it } from 'vitest';
import { labelStride, shortLabel, tokenAxisOf } from './tokenAxis';

describe('token axes of heatmaps', () => {
  it('labels text bytes as characters and padding as a dot', () => {
    const axis = tokenAxisOf({ task: 'text', example: { index: 0, label: 0, tokens: Int32Array.from([105, 106]) } }, 3);
    expect(axis.labels).toEqual(['h', 'i', '·']);
    expect(axis.grey).toBeUndefined();
  });

  it('gives image positions their grey level and (x, y)', () => {
    const axis = tokenAxisOf({ task: 'image', imageSide: 2, example: { index: 0, label: 0, tokens: Int32Array.from([1, 256, 11, 0]) } }, 4);
    expect(Array.from(axis.grey!)).toEqual([0, 255, 10, 0]);
    expect(axis.labels[2]).toBe('(0, 1) grey 10');
  });

  it('thins labels to fit and shortens long ones', () => {
    expect(labelStride(16, 220)).toBe(1);
    expect(labelStride(64, 220)).toBe(4);
    expect(labelStride(64, 880)).toBe(1);
    expect(shortLabel('[MAX')).toBe('[MAX');
    expect(shortLabel('[MEDIAN')).toBe('[ME…');
  });
});
