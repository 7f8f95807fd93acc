/**
 * Run the same Backend calls on two backends (the CPU reference and WebGPU) and compare the
 * results. No Node-only imports: the same helpers run in Vitest (Dawn) and in Chromium.
 */
import type { Backend, Buf, DType, MemoryCategory } from '../../backend';
import type { Tolerance } from '../../testing/tolerance';

/** The codebase's one seeded generator (src/engine/cpu/random.ts), so every failure reproduces. */
export { uniformStream as seededRandom } from '../../cpu/random';

/** `n` uniform values in [lo, hi) from `rand`. */
export function randomArray(rand: () => number, n: number, lo = -1, hi = 1): Float32Array {
  const a = new Float32Array(n);
  for (let i = 0; i < n; i++) a[i] = lo + (hi - lo) * rand();
  return a;
}

/** One logical buffer that lives on both backends. */
export class TwinBuf {
  constructor(
    readonly ref: Buf,
    readonly test: Buf,
  ) {}
  get size(): number {
    return this.ref.size;
  }
}

export type { Tolerance };

export interface Diff {
  maxAbs: number;
  worst: number;
  refAtWorst: number;
  testAtWorst: number;
  ok: boolean;
}

/** Compare two arrays under a tolerance; NaN matches NaN, ±Inf must match exactly. */
export function diff(ref: ArrayLike<number>, test: ArrayLike<number>, tol: Tolerance): Diff {
  if (ref.length !== test.length) throw new Error(`diff: lengths ${ref.length} and ${test.length} differ`);
  let maxAbs = 0;
  let worst = -1;
  let ok = true;
  let worstExcess = -Infinity;
  for (let i = 0; i < ref.length; i++) {
    const r = ref[i];
    const t = test[i];
    if (Number.isNaN(r) && Number.isNaN(t)) continue;
    if (!Number.isFinite(r) || !Number.isFinite(t)) {
      if (r !== t) {
        ok = false;
        if (worstExcess < Infinity) {
          worstExcess = Infinity;
          worst = i;
        }
      }
      continue;
    }
    const d = Math.abs(t - r);
    maxAbs = Math.max(maxAbs, d);
    const excess = d - (tol.abs + tol.rel * Math.abs(r));
    if (excess > 0) ok = false;
    if (excess > worstExcess) {
      worstExcess = excess;
      worst = i;
    }
  }
  return { maxAbs, worst, refAtWorst: worst >= 0 ? ref[worst] : NaN, testAtWorst: worst >= 0 ? test[worst] : NaN, ok };
}

/**
 * A pair of backends driven in lockstep: `call('matmul', a, b, out, params)` runs the method on
 * both, handing each its own side of every TwinBuf argument.
 */
export class Twin {
  constructor(
    readonly ref: Backend,
    readonly test: Backend,
  ) {}

  /** A buffer on both backends holding `data`. */
  buf(data: ArrayLike<number>, dtype: DType = 'f32', category: MemoryCategory = 'activations', label = 'twin'): TwinBuf {
    const t = new TwinBuf(this.ref.alloc(data.length, dtype, category, label), this.test.alloc(data.length, dtype, category, label));
    this.ref.write(t.ref, data);
    this.test.write(t.test, data);
    return t;
  }

  /** A zero-filled buffer on both backends. */
  zeros(n: number, dtype: DType = 'f32', label = 'twin.zeros'): TwinBuf {
    return this.buf(dtype === 'i32' ? new Int32Array(n) : new Float32Array(n), dtype, 'activations', label);
  }

  call<K extends keyof Backend>(method: K, ...args: unknown[]): void {
    for (const side of ['ref', 'test'] as const) {
      const b = this[side];
      const mapped = args.map((a) => (a instanceof TwinBuf ? a[side] : a));
      (b[method] as unknown as (...x: unknown[]) => void).apply(b, mapped);
    }
  }

  /** Read both sides of `t` and compare them. */
  async compare(t: TwinBuf, tol: Tolerance): Promise<Diff & { ref: ArrayLike<number>; test: ArrayLike<number> }> {
    const [r, g] = await Promise.all([this.ref.read(t.ref), this.test.read(t.test)]);
    return { ...diff(r, g, tol), ref: r, test: g };
  }

  free(...ts: TwinBuf[]): void {
    for (const t of ts) {
      this.ref.free(t.ref);
      this.test.free(t.test);
    }
  }
}

/** A readable one-line account of a failed comparison. */
export function describeDiff(what: string, d: Diff, tol: Tolerance): string {
  return `${what}: max |Δ| ${d.maxAbs.toExponential(3)}; worst at ${d.worst}: ref ${d.refAtWorst}, webgpu ${d.testAtWorst} (tolerance ${tol.abs} + ${tol.rel}·|ref|)`;
}
