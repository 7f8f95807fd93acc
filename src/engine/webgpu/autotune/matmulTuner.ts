/**
 * Tuning the matrix product on this adapter: the candidates are the three kernel versions, with
 * each reg4 workgroup side (the kernels' tile choices). For the first shape seen of a class,
 * each candidate is run on that shape (batch cut to at most two products) and checked against
 * the CPU reference, then the valid ones are timed on the full shape and the fastest is kept
 * (docs/kernels.md "Kernels tuned for the adapter"). Runs between steps, never inside one.
 */
import type { MatmulParams } from '../../backend';
import type { WebGpuBackend } from '../backend';
import { REG4_SIDES } from '../kernels/matmul';
import type { MatmulKernel } from '../matmulChoice';
import { diff, randomArray, seededRandom } from '../testing/twin';
import { checkedRows, matmulSizes, matmulTolerance, pickRows, referenceRows } from './matmulCheck';
import { matmulClass, matmulClassLabel } from './shapeClass';
import type { Autotuner, TuneResult } from './tuner';

/** One candidate: a kernel version and, for reg4, its workgroup side. */
export interface MatmulConfig {
  kernel: MatmulKernel;
  /** reg4's workgroup side (0 for the others). */
  rw: number;
}

/** `naive`, `reg4/8`, `tiled`: the name a candidate has in the cache and the UI. */
export function configName(c: MatmulConfig): string {
  return c.kernel === 'reg4' ? `reg4/${c.rw}` : c.kernel;
}

/** Every candidate, by name. */
export function matmulCandidates(): Map<string, MatmulConfig> {
  const list: MatmulConfig[] = [
    { kernel: 'naive', rw: 0 },
    ...REG4_SIDES.map((rw) => ({ kernel: 'reg4' as const, rw })),
    { kernel: 'tiled', rw: 0 },
  ];
  return new Map(list.map((c) => [configName(c), c]));
}

/**
 * Milliseconds of the work that `run` records (the injectable timer): the default waits for
 * the queue to drain, then times `run` to the next drain by wall clock. Tests pass a fake.
 */
export type MatmulClock = (run: () => void, config: MatmulConfig) => Promise<number>;

/** The wall-clock timer: drain, run, submit, drain (includes the submit overhead, the same for every candidate). */
export function wallClock(be: WebGpuBackend, now: () => number = () => performance.now()): (run: () => void) => Promise<number> {
  return async (run) => {
    be.flush();
    await be.ctx.device.queue.onSubmittedWorkDone();
    const t0 = now();
    run();
    be.flush();
    await be.ctx.device.queue.onSubmittedWorkDone();
    return now() - t0;
  };
}

/** The shape class's first shape in words (kept with the choice). */
export function shapeText(p: MatmulParams): string {
  const a = p.transA ? `[${p.k}×${p.m}]ᵀ` : `[${p.m}×${p.k}]`;
  const b = p.transB ? `[${p.n}×${p.k}]ᵀ` : `[${p.k}×${p.n}]`;
  return `${p.batch}× ${a}·${b}`;
}

/**
 * The fastest valid candidate for `p`'s class on `be`'s adapter: from `tuner`'s cache, or
 * validated and timed now. Allocates scratch buffers for the run and frees them.
 */
export async function tuneMatmul(
  be: WebGpuBackend,
  tuner: Autotuner,
  p: MatmulParams,
  clock: MatmulClock = wallClock(be),
  candidates: Map<string, MatmulConfig> = matmulCandidates(),
): Promise<TuneResult<MatmulConfig>> {
  const shape: MatmulParams = { ...p, alpha: 1, accumulate: false };
  const key = matmulClassLabel(matmulClass(shape));
  const hit = await tuner.cached(key);
  if (hit && candidates.has(hit.choice)) return tuner.tune(key, shapeText(shape), candidates, unused);
  const check: MatmulParams = { ...shape, batch: Math.min(shape.batch, 2) };
  const sizes = matmulSizes(shape);
  const rand = seededRandom(20261202);
  const aData = randomArray(rand, sizes.a);
  const bData = randomArray(rand, sizes.b);
  const rows = checkedRows(check);
  const checkSizes = matmulSizes(check);
  const expected = referenceRows(check, aData.subarray(0, checkSizes.a), bData.subarray(0, checkSizes.b), rows);
  const a = be.alloc(sizes.a, 'f32', 'scratch', 'tune.a');
  const b = be.alloc(sizes.b, 'f32', 'scratch', 'tune.b');
  const out = be.alloc(sizes.out, 'f32', 'scratch', 'tune.out');
  try {
    be.write(a, aData);
    be.write(b, bData);
    return await tuner.tune(key, shapeText(shape), candidates, {
      validate: async (c) => {
        be.fill(out, Number.NaN);
        be.matmulWith(c.kernel, a, b, out, check, c.rw || undefined);
        const got = pickRows((await be.read(out)).subarray(0, checkSizes.out), check, rows);
        const d = diff(expected, got, matmulTolerance(check.k));
        return { ok: d.ok, maxAbsError: d.maxAbs };
      },
      time: (c) => clock(() => be.matmulWith(c.kernel, a, b, out, shape, c.rw || undefined), c),
    });
  } finally {
    for (const x of [a, b, out]) be.free(x);
  }
}

/** Hooks for a cache hit, where the tuner runs nothing. */
const unused = {
  validate: () => Promise.reject(new Error('autotune: a cached choice ran a validation')),
  time: () => Promise.reject(new Error('autotune: a cached choice ran a timing')),
};
