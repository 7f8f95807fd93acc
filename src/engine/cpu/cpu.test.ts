/** The CPU reference backend: pool accounting and errors, erf accuracy, and kernel semantics the WebGPU kernels copy. */
import { describe, expect, it } from 'vitest';
import { CpuBackend } from './backend';
import { erf, gelu, geluGrad } from './erf';
import { randomUniform } from './random';

describe('CpuPool through CpuBackend', () => {
  it('accounts bytes by category, reuses released buffers and tracks the peak', () => {
    const be = new CpuBackend('f32');
    const a = be.alloc(10, 'f32', 'weights', 'w');
    const b = be.alloc(6, 'i32', 'activations', 'ids');
    let m = be.memory();
    expect(m.inUse.weights).toBe(40);
    expect(m.inUse.activations).toBe(24);
    expect(m.allocated).toBe(64);
    expect(m.liveBuffers).toBe(2);
    be.free(b);
    m = be.memory();
    expect(m.inUse.activations).toBe(0);
    expect(m.allocated).toBe(64); // kept for reuse
    expect(m.peak).toBe(64);
    const c = be.alloc(6, 'i32', 'scratch', 'again');
    expect(be.memory().allocated).toBe(64); // the released array came back
    be.write(c, [1, 2, 3]);
    be.free(c);
    const d = be.alloc(6, 'i32', 'scratch', 'zeroed');
    expect(Array.from(be.readSync(d))).toEqual([0, 0, 0, 0, 0, 0]); // reused arrays start at zero
    be.free(d);
    be.resetPeak();
    expect(be.memory().peak).toBe(40);
    expect(be.memory().peakByCategory.weights).toBe(40);
    be.free(a);
  });

  it('has no device limits to check a config against (limits() is null)', () => {
    expect(new CpuBackend('f32').limits()).toBeNull();
  });

  it('counts float64 buffers at 8 bytes', () => {
    const be = new CpuBackend('f64');
    be.alloc(3, 'f32', 'optimizer', 'm');
    expect(be.memory().inUse.optimizer).toBe(24);
  });

  it('names the buffer on use after free and on double free', () => {
    const be = new CpuBackend();
    const a = be.alloc(4, 'f32', 'activations', 'attn probs');
    be.free(a);
    expect(() => be.fill(a, 1)).toThrow(/fill: buffer "attn probs" \(#\d+\) used after free/);
    expect(() => be.free(a)).toThrow(/"attn probs".*double free/);
    expect(() => new CpuBackend().fill(be.alloc(1, 'f32', 'scratch', 'x'), 0)).toThrow(/does not belong/);
  });

  it('rejects bad sizes, dtypes and writes that do not fit', () => {
    const be = new CpuBackend();
    expect(() => be.alloc(0, 'f32', 'scratch', 'empty')).toThrow(/positive integer/);
    expect(() => be.alloc(2, 'f16' as 'f32', 'scratch', 'half')).toThrow(/f16 is not one of f32, i32/);
    const a = be.alloc(2, 'i32', 'scratch', 'ids');
    expect(() => be.write(a, [1, 2, 3])).toThrow(/do not fit buffer "ids"/);
    expect(() => be.write(a, [1.5])).toThrow(/i32 but element 0 is 1.5/);
    const f = be.alloc(2, 'f32', 'scratch', 'f');
    expect(() =>
      be.matmul(f, f, f, { batch: 1, m: 2, n: 2, k: 2, transA: false, transB: false, strideA: 0, strideB: 0, alpha: 1, accumulate: false }),
    ).toThrow(/matmul: buffer "f" holds 2 elements, needs 4/);
  });

  it('rounds to float32 on an f32 backend and keeps doubles on f64', () => {
    const v = 1 / 3;
    const f32 = new CpuBackend('f32');
    const f64 = new CpuBackend('f64');
    const a = f32.alloc(1, 'f32', 'scratch', 'a');
    const b = f64.alloc(1, 'f32', 'scratch', 'b');
    f32.write(a, [v]);
    f64.write(b, [v]);
    expect(f32.readSync(a)[0]).toBe(Math.fround(v));
    expect(f64.readSync(b)[0]).toBe(v);
  });
});

describe('erf and GELU', () => {
  it('erf matches Python math.erf to 1e-15', () => {
    const ref: [number, number][] = [
      [0.1, 0.1124629160182849],
      [0.5, 0.5204998778130465],
      [1, 0.8427007929497149],
      [2, 0.9953222650189527],
      [3, 0.9999779095030014],
      [4.5, 0.9999999998033839],
      [5.9, 0.9999999999999999],
      [-0.7, -0.6778011938374184],
    ];
    for (const [x, e] of ref) expect(Math.abs(erf(x) - e), `erf(${x})`).toBeLessThan(1e-15);
    expect(erf(0)).toBe(0);
    expect(erf(7)).toBe(1);
    expect(erf(-Infinity)).toBe(-1);
  });

  it('geluGrad is the derivative of gelu', () => {
    for (const x of [-4, -1.3, -0.2, 0, 0.4, 1.7, 3.5]) {
      const h = 1e-6;
      expect(Math.abs(geluGrad(x) - (gelu(x + h) - gelu(x - h)) / (2 * h))).toBeLessThan(1e-8);
    }
  });
});

describe('kernel semantics shared with WebGPU', () => {
  it('dropoutMask keeps element i iff u(seed, offset + i) ≥ p, with the multiplier', () => {
    const be = new CpuBackend();
    const n = 4000;
    const m = be.alloc(n, 'f32', 'scratch', 'mask');
    be.dropoutMask(m, 9, 100, 0.25, 4 / 3);
    const v = be.readSync(m);
    for (let i = 0; i < n; i++) expect(v[i]).toBe(randomUniform(9, 100 + i) >= 0.25 ? Math.fround(4 / 3) : 0);
    const kept = v.filter((x) => x !== 0).length / n;
    expect(kept).toBeGreaterThan(0.72);
    expect(kept).toBeLessThan(0.78);
    expect(() => be.dropoutMask(m, 1, 0, 1, 1)).toThrow(/p = 1 must be in \[0, 1\)/);
  });

  it('crossEntropy rejects labels outside [0, classes)', () => {
    const be = new CpuBackend();
    const logits = be.alloc(6, 'f32', 'scratch', 'logits');
    const labels = be.alloc(2, 'i32', 'scratch', 'labels');
    const loss = be.alloc(2, 'f32', 'scratch', 'loss');
    be.write(labels, [0, 3]);
    expect(() => be.crossEntropy(logits, labels, loss, null, 2, 3, 0.5)).toThrow(/label 3 in row 1 is outside \[0, 3\)/);
  });

  it('dconvBackward sets dx and adds into dw', () => {
    const be = new CpuBackend('f64');
    const x = be.alloc(4, 'f32', 'scratch', 'x');
    const w = be.alloc(3, 'f32', 'scratch', 'w');
    const dy = be.alloc(4, 'f32', 'scratch', 'dy');
    const dx = be.alloc(4, 'f32', 'scratch', 'dx');
    const dw = be.alloc(3, 'f32', 'scratch', 'dw');
    be.write(x, [1, 2, 3, 4]);
    be.write(w, [1, 0, -1]);
    be.write(dy, [1, 1, 1, 1]);
    be.fill(dx, 100);
    be.fill(dw, 1);
    be.dconvBackward(x, w, dy, dx, dw, 1, 1, 4, 1, 3);
    // dx[s] = Σ_j w[j] dy[s − j + 1]; dw[j] = 1 + Σ_t x[t + j − 1]
    expect(Array.from(be.readSync(dx))).toEqual([1, 0, 0, -1]);
    expect(Array.from(be.readSync(dw))).toEqual([1 + 6, 1 + 10, 1 + 9]);
  });

  it('reduceMaxBackward shares the gradient between ties', () => {
    const be = new CpuBackend('f64');
    const x = be.alloc(4, 'f32', 'scratch', 'x');
    const y = be.alloc(1, 'f32', 'scratch', 'y');
    const dy = be.alloc(1, 'f32', 'scratch', 'dy');
    const dx = be.alloc(4, 'f32', 'scratch', 'dx');
    be.write(x, [1, 3, 3, 2]);
    be.reduce('max', x, y, 1, 4, 1, 1, false);
    be.write(dy, [6]);
    be.reduceMaxBackward(x, y, dy, dx, 1, 4, 1, false);
    expect(Array.from(be.readSync(dx))).toEqual([0, 3, 3, 0]);
  });

  it('checkFinite flags NaN and Inf and leaves the flag alone otherwise', () => {
    const be = new CpuBackend();
    const x = be.alloc(3, 'f32', 'scratch', 'x');
    const flag = be.alloc(1, 'f32', 'scratch', 'flag');
    be.checkFinite(x, flag);
    expect(be.readSync(flag)[0]).toBe(0);
    be.write(x, [0, Infinity, 1]);
    be.checkFinite(x, flag);
    expect(be.readSync(flag)[0]).toBe(1);
  });
});
