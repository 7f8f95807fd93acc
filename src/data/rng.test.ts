import { describe, expect, it } from 'vitest';
import { hash53 } from './hash';
import { mix32, type Sfc32, streamRng } from './rng';

describe('data RNG (sfc32 streams)', () => {
  it('reproduces a stream for the same (seed, keys) and differs for other keys', () => {
    const draw = (r: Sfc32) => Array.from({ length: 8 }, () => r.nextU32());
    expect(draw(streamRng(42, 1, 2, 3))).toEqual(draw(streamRng(42, 1, 2, 3)));
    expect(draw(streamRng(42, 1, 2, 3))).not.toEqual(draw(streamRng(43, 1, 2, 3)));
    expect(draw(streamRng(42, 1, 2, 3))).not.toEqual(draw(streamRng(42, 1, 2, 4)));
    expect(draw(streamRng(42, 1, 2))).not.toEqual(draw(streamRng(42, 2, 1)));
  });

  it('gives floats in [0, 1) with mean 1/2 and integers within their range', () => {
    const r = streamRng(1);
    let sum = 0;
    const counts = new Array(7).fill(0);
    let outside = 0;
    for (let i = 0; i < 20000; i++) {
      const u = r.float();
      if (!(u >= 0 && u < 1)) outside++;
      sum += u;
      counts[r.int(7)]++;
      const k = r.intIn(2, 10);
      if (!(k >= 2 && k <= 10)) outside++;
    }
    expect(outside).toBe(0);
    expect(Math.abs(sum / 20000 - 0.5)).toBeLessThan(0.01);
    for (const c of counts) expect(Math.abs(c / 20000 - 1 / 7)).toBeLessThan(0.015);
  });

  it('rejects a seed that is not a u32', () => {
    expect(() => streamRng(-1)).toThrow(/data seed must be an integer/);
    expect(() => streamRng(1.5)).toThrow(/data seed/);
  });

  it('mix32 is a bijection on a sample and hash53 separates near-identical arrays', () => {
    const seen = new Set<number>();
    for (let i = 0; i < 5000; i++) seen.add(mix32(i));
    expect(seen.size).toBe(5000);
    expect(hash53([1, 2, 3])).toBe(hash53(Int32Array.from([1, 2, 3])));
    expect(hash53([1, 2, 3])).not.toBe(hash53([1, 2, 4]));
    expect(hash53([1, 2, 3])).not.toBe(hash53([1, 2, 3, 0]));
  });
});
