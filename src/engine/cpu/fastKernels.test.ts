/** The CPU backend's fast loops give exactly (bit for bit) what the plain reference loops give. */
import { describe, expect, it } from 'vitest';
import type { MatmulParams } from '../backend';
import { matmul, matmulReference } from './kernels';

function randomArray(n: number, seed: number, f64: boolean): Float32Array | Float64Array {
  const out = f64 ? new Float64Array(n) : new Float32Array(n);
  let s = seed;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = (s / 2 ** 32) * 2 - 1;
  }
  return out;
}

describe('CPU matmul (packed, four columns at a time)', () => {
  it('equals the reference loop bit for bit over transposes, batches, shared operands, odd sizes and accumulation', () => {
    let seed = 1;
    for (const f64 of [false, true])
      for (const [batch, m, n, k] of [[1, 1, 1, 1], [1, 5, 7, 3], [3, 4, 9, 6], [2, 17, 33, 13]])
        for (const transA of [false, true])
          for (const transB of [false, true])
            for (const [sharedA, sharedB] of [[false, false], [true, false], [false, true]])
              for (const accumulate of [false, true]) {
                const p: MatmulParams = {
                  batch, m, n, k, transA, transB, alpha: 0.37, accumulate,
                  strideA: sharedA ? 0 : m * k, strideB: sharedB ? 0 : k * n,
                };
                const a = randomArray(batch * m * k, seed++, f64);
                const b = randomArray(batch * k * n, seed++, f64);
                const start = randomArray(batch * m * n, seed++, f64);
                const fast = start.slice();
                const ref = start.slice();
                matmul(a, b, fast, p);
                matmulReference(a, b, ref, p);
                expect(Array.from(fast), JSON.stringify(p)).toEqual(Array.from(ref));
              }
  });
});
