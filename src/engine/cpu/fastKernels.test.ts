/** The CPU backend's fast loops give exactly (bit for bit) what the plain reference loops give. */
import { describe, expect, it } from 'vitest';
import type { BinaryOp, Dims4, MatmulParams, UnaryGradOp, UnaryOp } from '../backend';
import { geluGrad } from './erf';
import { binary, copyStrided, matmul, matmulReference, unary, unaryGrad, unaryScalar } from './kernels';
import { dconvBackward } from './nn';
import type { CpuArray } from './pool';
import { uniformStream } from './random';

function randomArray(n: number, seed: number, f64: boolean): Float32Array | Float64Array {
  const out = f64 ? new Float64Array(n) : new Float32Array(n);
  const next = uniformStream(seed);
  for (let i = 0; i < n; i++) out[i] = next() * 2 - 1;
  return out;
}

describe('CPU matmul (packed, four columns at a time)', () => {
  it('equals the reference loop bit for bit over transposes, batches, shared operands, odd sizes and accumulation', () => {
    let seed = 1;
    for (const f64 of [false, true])
      for (const [batch, m, n, k] of [
        [1, 1, 1, 1],
        [1, 5, 7, 3],
        [3, 4, 9, 6],
        [2, 17, 33, 13],
      ])
        for (const transA of [false, true])
          for (const transB of [false, true])
            for (const [sharedA, sharedB] of [
              [false, false],
              [true, false],
              [false, true],
            ])
              for (const accumulate of [false, true]) {
                const p: MatmulParams = {
                  batch,
                  m,
                  n,
                  k,
                  transA,
                  transB,
                  alpha: 0.37,
                  accumulate,
                  strideA: sharedA ? 0 : m * k,
                  strideB: sharedB ? 0 : k * n,
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

describe('CPU elementwise loops (op and case chosen outside the inner loop)', () => {
  // The plain definitions, element by element, as the kernels were first written.
  function plainIndex(shape: Dims4, strides: Dims4, offset: number, f: (i: number, o: number) => void): void {
    let o = 0;
    for (let i0 = 0; i0 < shape[0]; i0++)
      for (let i1 = 0; i1 < shape[1]; i1++)
        for (let i2 = 0; i2 < shape[2]; i2++)
          for (let i3 = 0; i3 < shape[3]; i3++) f(offset + i0 * strides[0] + i1 * strides[1] + i2 * strides[2] + i3 * strides[3], o++);
  }
  const shape: Dims4 = [2, 3, 4, 5];
  const layouts: [Dims4, Dims4][] = [
    [
      [60, 20, 5, 1],
      [60, 20, 5, 1],
    ], // contiguous
    [
      [0, 0, 0, 1],
      [60, 20, 5, 1],
    ], // a row broadcast
    [
      [60, 20, 1, 4],
      [0, 5, 1, 0],
    ], // transposed, and a column broadcast
  ];

  it('binary equals the plain loop for every op and layout', () => {
    for (const op of ['add', 'sub', 'mul', 'div'] as BinaryOp[])
      for (const [as, bs] of layouts) {
        const a = randomArray(120, 3, false);
        const b = randomArray(120, 4, false);
        const fast = new Float32Array(120);
        binary(op, a, b, fast, shape, as, bs);
        const ref = new Float32Array(120);
        const av: number[] = [];
        plainIndex(shape, as, 0, (i) => av.push(a[i]));
        plainIndex(
          shape,
          bs,
          0,
          (i, o) => (ref[o] = op === 'add' ? av[o] + b[i] : op === 'sub' ? av[o] - b[i] : op === 'mul' ? av[o] * b[i] : av[o] / b[i]),
        );
        expect(Array.from(fast), `${op} ${as} ${bs}`).toEqual(Array.from(ref));
      }
  });

  it('copyStrided equals the plain loop with and without alpha and accumulation', () => {
    for (const [ss, ds] of layouts)
      for (const alpha of [1, -0.5])
        for (const accumulate of [false, true]) {
          const src = randomArray(130, 5, false);
          const start = randomArray(130, 6, false);
          const fast = start.slice();
          copyStrided(src, fast, shape, ss, 3, ds, 7, alpha, accumulate);
          const ref = start.slice();
          const sv: number[] = [];
          plainIndex(shape, ss, 3, (i) => sv.push(alpha === 1 ? src[i] : alpha * src[i]));
          plainIndex(shape, ds, 7, (d, o) => (ref[d] = accumulate ? ref[d] + sv[o] : sv[o]));
          expect(Array.from(fast), `${ss} ${ds} ${alpha} ${accumulate}`).toEqual(Array.from(ref));
        }
  });

  it('unary equals unaryScalar element by element for every op', () => {
    const x = randomArray(50, 7, false).map((v) => v * 3);
    for (const op of ['affine', 'relu', 'gelu', 'exp', 'log', 'sqrt', 'rsqrt', 'square', 'recip', 'abs'] as UnaryOp[]) {
      const fast = new Float32Array(50);
      unary(op, x, fast, 1.5, -0.25);
      const ref = Float32Array.from(x, (v) => unaryScalar(op, v, 1.5, -0.25));
      expect(Array.from(fast), op).toEqual(Array.from(ref));
    }
  });
});

describe('CPU depthwise-conv backward and unary gradients (hoisted loops)', () => {
  it('dconvBackward equals the per-term loop bit for bit, f32 and f64', () => {
    // The plain definition: every term added straight into the arrays.
    function plain(
      x: CpuArray,
      w: CpuArray,
      dy: CpuArray,
      dx: CpuArray,
      dw: CpuArray,
      bh: number,
      heads: number,
      n: number,
      d: number,
      k: number,
    ): void {
      const pad = Math.floor(k / 2);
      dx.fill(0);
      for (let b = 0; b < bh; b++)
        for (let t = 0; t < n; t++)
          for (let j = 0; j < k; j++) {
            const src = t + j - pad;
            if (src < 0 || src >= n) continue;
            for (let c = 0; c < d; c++) {
              const g = dy[(b * n + t) * d + c];
              dx[(b * n + src) * d + c] += w[(b % heads) * k + j] * g;
              dw[(b % heads) * k + j] += g * x[(b * n + src) * d + c];
            }
          }
    }
    for (const f64 of [false, true])
      for (const [bh, heads, n, d, k] of [
        [4, 2, 9, 3, 3],
        [6, 3, 17, 5, 4],
      ]) {
        const x = randomArray(bh * n * d, 11, f64);
        const w = randomArray(heads * k, 12, f64);
        const dy = randomArray(bh * n * d, 13, f64);
        const dw0 = randomArray(heads * k, 14, f64);
        const [dx, dxRef] = [dy.slice(), dy.slice()];
        const [dw, dwRef] = [dw0.slice(), dw0.slice()];
        dconvBackward(x, w, dy, dx, dw, bh, heads, n, d, k);
        plain(x, w, dy, dxRef, dwRef, bh, heads, n, d, k);
        expect(Array.from(dx)).toEqual(Array.from(dxRef));
        expect(Array.from(dw)).toEqual(Array.from(dwRef));
      }
  });

  it('unaryGrad equals dy·f′(x) element by element, overwriting and accumulating', () => {
    const x = randomArray(40, 15, false).map((v) => v * 3);
    const dy = randomArray(40, 16, false);
    for (const op of ['relu', 'gelu'] as UnaryGradOp[])
      for (const accumulate of [false, true]) {
        const fast = randomArray(40, 17, false);
        const ref = fast.slice();
        unaryGrad(op, x, dy, fast, accumulate);
        for (let i = 0; i < 40; i++) {
          const d = op === 'relu' ? (x[i] > 0 ? dy[i] : 0) : dy[i] * geluGrad(x[i]);
          ref[i] = accumulate ? ref[i] + d : d;
        }
        expect(Array.from(fast), `${op} ${accumulate}`).toEqual(Array.from(ref));
      }
  });
});
