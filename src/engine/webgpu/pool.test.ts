/**
 * The buffer pool: size classes and reuse, byte accounting by category (live and peak), flat
 * accounting over many training steps, and the errors for over-limit allocation, use after
 * free, double free and foreign handles.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nodeGpu } from './node';
import { acquireGpu, type GpuContext } from './device';
import { WebGpuBackend } from './backend';
import { sizeClass } from './pool';
import { GpuBufferStateError, GpuLimitError } from './errors';
import { CpuBackend } from '../cpu/backend';
import type { Backend, Buf } from '../backend';
import { randomArray, seededRandom } from './testing/twin';

let ctx: GpuContext;
let gpu: WebGpuBackend;

beforeAll(async () => {
  ctx = await acquireGpu({}, nodeGpu());
  gpu = new WebGpuBackend(ctx);
});
afterAll(() => {
  gpu?.dispose();
  ctx?.destroy();
});

describe('size classes', () => {
  it('round up to 2^e·{1, 1.25, 1.5, 1.75}, never below 256 bytes nor above the limit', () => {
    expect(sizeClass(4, 1 << 30)).toBe(256);
    expect(sizeClass(1024, 1 << 30)).toBe(1024);
    expect(sizeClass(1025, 1 << 30)).toBe(1280);
    expect(sizeClass(1600, 1 << 30)).toBe(1792);
    expect(sizeClass(1800, 1 << 30)).toBe(2048);
    for (let b = 257; b < 100_000; b += 997) {
      const c = sizeClass(b, 1 << 30);
      expect(c).toBeGreaterThanOrEqual(b);
      expect(c).toBeLessThanOrEqual(b * 1.25 + 4);
      expect(c % 4).toBe(0);
    }
    // A request that fits the limit never gets a class above it.
    expect(sizeClass(1030, 1100)).toBe(1100);
  });
});

describe('reuse and accounting', () => {
  it('hands a reused buffer out uninitialised, zeroed or poisoned, as asked', async () => {
    const modes = [
      ['uninitialized', (v: number) => v === 7],
      ['zeroed', (v: number) => v === 0],
      ['poisoned', (v: number) => Number.isNaN(v)],
    ] as const;
    for (const [mode, expected] of modes) {
      const be = new WebGpuBackend(ctx, { reusedBuffers: mode });
      const a = be.alloc(64, 'f32', 'activations', 'first');
      be.fill(a, 7);
      be.free(a);
      const created = be.pool.created;
      const b = be.alloc(60, 'f32', 'activations', 'second');
      expect(be.pool.created).toBe(created); // the same GPU buffer again
      expect(Array.from(await be.read(b)).every(expected), mode).toBe(true);
      be.dispose();
    }
    expect(() => new WebGpuBackend(ctx, { reusedBuffers: 'random' as never })).toThrow(
      /reusedBuffers random is not one of uninitialized, zeroed, poisoned/,
    );
  });

  it('reuses a released buffer of the same class and counts bytes by category', async () => {
    const base = gpu.memory();
    const created = gpu.pool.created;
    const w = gpu.alloc(1000, 'f32', 'weights', 'w');
    const g = gpu.alloc(1000, 'f32', 'gradients', 'g');
    const s = gpu.alloc(10, 'i32', 'scratch', 's');
    let m = gpu.memory();
    expect(m.inUse.weights - base.inUse.weights).toBe(4000);
    expect(m.inUse.gradients - base.inUse.gradients).toBe(4000);
    expect(m.inUse.scratch - base.inUse.scratch).toBe(40);
    expect(m.liveBuffers - base.liveBuffers).toBe(3);
    expect(m.allocated - base.allocated).toBe(2 * sizeClass(4000, 1 << 30) + 256);
    expect(gpu.pool.created - created).toBe(3);

    gpu.write(w, randomArray(seededRandom(1), 1000));
    gpu.free(w);
    m = gpu.memory();
    expect(m.inUse.weights - base.inUse.weights).toBe(0);
    expect(m.allocated - base.allocated).toBe(2 * sizeClass(4000, 1 << 30) + 256); // still held for reuse

    // 950 floats share 1000's size class: the released buffer comes back.
    const a = gpu.alloc(950, 'f32', 'activations', 'a');
    expect(gpu.pool.created - created).toBe(3);
    expect(gpu.memory().inUse.activations - base.inUse.activations).toBe(3800);
    for (const b of [a, g, s]) gpu.free(b);
    expect(gpu.memory().liveBuffers).toBe(base.liveBuffers);
  });

  it('tracks the peak and its split by category until resetPeak()', () => {
    gpu.resetPeak();
    const start = gpu.memory();
    const x = gpu.alloc(5000, 'f32', 'activations', 'x');
    const o = gpu.alloc(2000, 'f32', 'optimizer', 'o');
    gpu.free(x);
    const m = gpu.memory();
    expect(m.peak).toBe(start.peak + 28000);
    expect(m.peakByCategory.activations - start.inUse.activations).toBe(20000);
    expect(m.peakByCategory.optimizer - start.inUse.optimizer).toBe(8000);
    gpu.resetPeak();
    expect(gpu.memory().peak).toBe(start.peak + 8000);
    gpu.free(o);
  });
});

/** One training step of a tiny classifier written directly against the Backend contract. */
async function trainingStep(
  be: Backend,
  w: Buf,
  mw: Buf,
  vw: Buf,
  x: Buf,
  labels: Buf,
  step: number,
  readLoss: boolean,
): Promise<number | null> {
  const rows = 16,
    d = 12,
    classes = 5;
  const logits = be.alloc(rows * classes, 'f32', 'activations', 'logits');
  const act = be.alloc(rows * classes, 'f32', 'activations', 'gelu');
  const loss = be.alloc(rows, 'f32', 'activations', 'loss');
  const dlog = be.alloc(rows * classes, 'f32', 'gradients', 'dlogits');
  const dact = be.alloc(rows * classes, 'f32', 'gradients', 'dgelu');
  const dw = be.alloc(d * classes, 'f32', 'gradients', 'dw');
  const sq = be.alloc(1, 'f32', 'scratch', 'sumsq');
  const clip = be.alloc(1, 'f32', 'scratch', 'clip');
  be.matmul(x, w, logits, {
    batch: 1,
    m: rows,
    n: classes,
    k: d,
    transA: false,
    transB: false,
    strideA: 0,
    strideB: 0,
    alpha: 1,
    accumulate: false,
  });
  be.unary('gelu', logits, act);
  be.crossEntropy(act, labels, loss, dlog, rows, classes, 1 / rows);
  be.unaryGrad('gelu', logits, dlog, dact, false);
  be.matmul(x, dact, dw, {
    batch: 1,
    m: d,
    n: classes,
    k: rows,
    transA: true,
    transB: false,
    strideA: 0,
    strideB: 0,
    alpha: 1,
    accumulate: false,
  });
  be.sumSquares(dw, sq, false);
  be.clipCoefficient(sq, clip, 1);
  be.adamw(w, dw, mw, vw, clip, { lr: 0.05, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0.01, step });
  let mean: number | null = null;
  if (readLoss) {
    const l = await be.read(loss);
    mean = Array.from(l).reduce((s, v) => s + v, 0) / rows;
  }
  for (const b of [logits, act, loss, dlog, dact, dw, sq, clip]) be.free(b);
  be.flush();
  return mean;
}

describe('many training steps', () => {
  it('keep GPU buffers, bytes and peak flat after the first step, and match the CPU losses', async () => {
    const rand = seededRandom(42);
    const rows = 16,
      d = 12,
      classes = 5;
    const xs = randomArray(rand, rows * d);
    const ws = randomArray(rand, d * classes, -0.3, 0.3);
    const ls = Int32Array.from({ length: rows }, () => Math.floor(rand() * classes));
    const setup = (be: Backend) => {
      const w = be.alloc(d * classes, 'f32', 'weights', 'w');
      be.write(w, ws);
      const x = be.alloc(rows * d, 'f32', 'activations', 'x');
      be.write(x, xs);
      const labels = be.alloc(rows, 'i32', 'activations', 'labels');
      be.write(labels, ls);
      return {
        w,
        x,
        labels,
        m: be.alloc(d * classes, 'f32', 'optimizer', 'adam.m'),
        v: be.alloc(d * classes, 'f32', 'optimizer', 'adam.v'),
      };
    };
    const cpu = new CpuBackend('f32');
    const c = setup(cpu);
    const g = setup(gpu);
    gpu.resetPeak();
    let afterFirst: { created: number; allocated: number; peak: number; live: number } | null = null;
    const cpuLoss: number[] = [];
    const gpuLoss: number[] = [];
    for (let step = 1; step <= 40; step++) {
      const read = step % 10 === 0;
      const lc = await trainingStep(cpu, c.w, c.m, c.v, c.x, c.labels, step, read);
      const lg = await trainingStep(gpu, g.w, g.m, g.v, g.x, g.labels, step, read);
      if (read) {
        cpuLoss.push(lc!);
        gpuLoss.push(lg!);
      }
      const m = gpu.memory();
      const now = { created: gpu.pool.created, allocated: m.allocated, peak: m.peak, live: m.liveBuffers };
      if (step === 1) afterFirst = now;
      // Staging for the loss read is created at step 10, the first read; afterwards nothing grows.
      else if (step > 10) expect(now).toEqual(afterFirst);
      if (step === 10) afterFirst = now;
    }
    expect(gpuLoss[3]).toBeLessThan(gpuLoss[0]); // it learns
    for (let i = 0; i < cpuLoss.length; i++) expect(Math.abs(gpuLoss[i] - cpuLoss[i])).toBeLessThan(1e-4);
    for (const b of [g.w, g.x, g.labels, g.m, g.v]) gpu.free(b);
  });
});

describe('trim', () => {
  it('destroys released buffers, keeps live ones working, and the pool serves new requests after', async () => {
    const keep = gpu.alloc(300, 'f32', 'weights', 'keep');
    gpu.write(keep, randomArray(seededRandom(5), 300));
    const expected = await gpu.read(keep);
    const drop = gpu.alloc(100_000, 'f32', 'activations', 'drop');
    gpu.unary('relu', keep, keep);
    gpu.free(drop);
    const before = gpu.memory().allocated;
    const freed = gpu.trim();
    expect(freed).toBeGreaterThanOrEqual(400_000);
    expect(gpu.memory().allocated).toBe(before - freed);
    const again = gpu.alloc(100_000, 'f32', 'activations', 'again');
    gpu.copyStrided(keep, again, [1, 1, 1, 300], [0, 0, 0, 1], 0, [0, 0, 0, 1], 0, 1, false);
    const got = await gpu.read(again);
    expect(Array.from(got.slice(0, 300))).toEqual(Array.from(expected, (v) => Math.max(v, 0)));
    gpu.free(keep);
    gpu.free(again);
    expect(ctx.uncapturedErrors).toEqual([]);
  });
});

describe('errors', () => {
  it("reports the device's per-buffer limits through the Backend contract (what the model's size check reads)", () => {
    const lim = ctx.device.limits;
    expect(gpu.limits()).toEqual({ maxStorageBufferBindingSize: lim.maxStorageBufferBindingSize, maxBufferSize: lim.maxBufferSize });
    expect(gpu.limits().maxStorageBufferBindingSize).toBeGreaterThan(0);
  });

  it('refuses a buffer beyond the device binding limit, naming have, need and the label', () => {
    const have = ctx.device.limits.maxStorageBufferBindingSize;
    const elements = have / 4 + 1;
    const err = (() => {
      try {
        gpu.alloc(elements, 'f32', 'activations', 'attn.scores');
      } catch (e) {
        return e as GpuLimitError;
      }
    })();
    expect(err).toBeInstanceOf(GpuLimitError);
    expect(err!.message).toContain('maxStorageBufferBindingSize');
    expect(err!.message).toContain(String(have));
    expect(err!.message).toContain(String(elements * 4));
    expect(err!.message).toContain('attn.scores');
  });

  it('names the buffer on use after free, on double free and for a foreign handle', async () => {
    const b = gpu.alloc(8, 'f32', 'activations', 'ffn.hidden');
    gpu.free(b);
    expect(() => gpu.unary('relu', b, b)).toThrow(GpuBufferStateError);
    expect(() => gpu.unary('relu', b, b)).toThrow(/unary relu: buffer "ffn.hidden" used after free/);
    expect(() => gpu.write(b, [1])).toThrow(/write: buffer "ffn.hidden" used after free/);
    await expect(gpu.read(b)).rejects.toThrow(/read: buffer "ffn.hidden" used after free/);
    expect(() => gpu.free(b)).toThrow(/free: buffer "ffn.hidden" freed twice/);
    const cpu = new CpuBackend('f32');
    const foreign = cpu.alloc(8, 'f32', 'activations', 'cpu.buf');
    expect(() => gpu.fill(foreign, 0)).toThrow(/fill: buffer "cpu.buf" not owned by this WebGPU backend/);
  });

  it('rejects bad sizes, dtypes and categories by name', () => {
    expect(() => gpu.alloc(0, 'f32', 'activations', 'empty')).toThrow(/alloc "empty" \(activations\): size 0 must be a positive integer/);
    expect(() => gpu.alloc(4, 'f16' as never, 'activations', 'half')).toThrow(/dtype f16 is not one of f32, i32/);
    expect(() => gpu.alloc(4, 'f32', 'misc' as never, 'misc')).toThrow(/category misc is not one of/);
    const b = gpu.alloc(4, 'i32', 'scratch', 'ids');
    expect(() => gpu.write(b, [1.5])).toThrow(/write: buffer "ids" is i32 but element 0 is 1.5/);
    expect(() => gpu.write(b, [1, 2, 3], 2)).toThrow(/write: 3 elements at offset 2 do not fit buffer "ids" of 4/);
    gpu.free(b);
  });

  it('after dispose() every handle is dead and the backend refuses new work', async () => {
    const other = new WebGpuBackend(ctx);
    const b = other.alloc(16, 'f32', 'weights', 'w.dead');
    other.unary('relu', b, b);
    other.dispose();
    expect(other.memory().liveBuffers).toBe(0);
    expect(other.memory().allocated).toBe(0);
    expect(() => other.alloc(4, 'f32', 'weights', 'late')).toThrow(/the backend was disposed/);
    expect(() => other.fill(b, 1)).toThrow(/fill: buffer "w.dead" used after free/);
  });

  it('labels every GPU buffer it creates', () => {
    const b = gpu.alloc(8, 'f32', 'weights', 'encoder.0.attn.q_proj.weight');
    expect(gpu.pool.entry(b, 'test').buffer.label).toBe('weights:encoder.0.attn.q_proj.weight');
    gpu.free(b);
    expect(ctx.uncapturedErrors).toEqual([]);
  });
});
