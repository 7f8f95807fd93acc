/**
 * Tuning the softmax row kernels on this adapter (docs/kernels.md "Kernels tuned for the
 * adapter"): their tile choice is the layout of a row — one invocation per row (`serial`), or
 * one workgroup per row of 32 to 256 invocations reducing through a barrier tree (`tree/WG`) or
 * through subgroups (`subgroups/WG`, where the adapter passed the subgroup check). Forward and
 * backward share the choice and are validated against the CPU reference together, then timed.
 */
import type { WebGpuBackend } from '../backend';
import { CpuBackend } from '../../cpu/backend';
import { diff, randomArray, seededRandom } from '../testing/twin';
import { log2Bucket } from './shapeClass';
import type { Autotuner, TuneResult } from './tuner';

/** One softmax layout: `wg` invocations per row's workgroup (0 for serial). */
export interface RowConfig {
  layout: 'serial' | 'tree' | 'subgroups';
  wg: number;
}

export const ROW_WORKGROUPS = [32, 64, 128, 256] as const;

/** `serial`, `tree/64`, `subgroups/128`. */
export function rowConfigName(c: RowConfig): string {
  return c.layout === 'serial' ? 'serial' : `${c.layout}/${c.wg}`;
}

/** Every candidate, by name (the subgroup layouts only where they may run). */
export function rowCandidates(subgroups: boolean): Map<string, RowConfig> {
  const list: RowConfig[] = [{ layout: 'serial', wg: 0 }, ...ROW_WORKGROUPS.map((wg) => ({ layout: 'tree' as const, wg }))];
  if (subgroups) list.push(...ROW_WORKGROUPS.map((wg) => ({ layout: 'subgroups' as const, wg })));
  return new Map(list.map((c) => [rowConfigName(c), c]));
}

/** The class of a softmax over `rows` rows of `cols`: both rounded up to a power of two, as one number. */
export function rowClass(rows: number, cols: number): number {
  return log2Bucket(rows) * 32 + log2Bucket(cols);
}

/** `softmax rows≤4096 cols≤128`: the class's key in the tuning cache. */
export function rowClassLabel(cls: number): string {
  return `softmax rows≤${2 ** Math.floor(cls / 32)} cols≤${2 ** (cls % 32)}`;
}

/** Milliseconds of the work `run` records (see `wallClock` in matmulTuner.ts); tests pass a fake. */
export type RowClock = (run: () => void, config: RowConfig) => Promise<number>;

/** Softmax rows and its backward on the CPU: the reference both layouts are checked against. */
function reference(x: Float32Array, dy: Float32Array, rows: number, cols: number): { y: Float32Array; dx: Float32Array } {
  const cpu = new CpuBackend('f32');
  const [bx, by, bdy, bdx] = [x, null, dy, null].map((d, i) => {
    const b = cpu.alloc(rows * cols, 'f32', 'scratch', `ref${i}`);
    if (d) cpu.write(b, d);
    return b;
  });
  cpu.softmax(bx, by, rows, cols);
  cpu.softmaxBackward(by, bdy, bdx, rows, cols, false);
  const out = { y: Float32Array.from(cpu.readSync(by)), dx: Float32Array.from(cpu.readSync(bdx)) };
  for (const b of [bx, by, bdy, bdx]) cpu.free(b);
  return out;
}

/** The fastest valid softmax layout for (rows, cols)'s class on `be`: from the cache, or validated and timed now. */
export async function tuneSoftmax(
  be: WebGpuBackend,
  tuner: Autotuner,
  rows: number,
  cols: number,
  clock: RowClock,
  candidates: Map<string, RowConfig> = rowCandidates(be.subgroupsEnabled),
): Promise<TuneResult<RowConfig>> {
  const key = rowClassLabel(rowClass(rows, cols));
  const shape = `${rows}×${cols}`;
  const hit = await tuner.cached(key);
  if (hit && candidates.has(hit.choice))
    return tuner.tune(key, shape, candidates, {
      validate: () => Promise.reject(new Error('cached')),
      time: () => Promise.reject(new Error('cached')),
    });
  // The check covers at most 64 rows (each row is independent; the CPU stays quick).
  const checkRows = Math.min(rows, 64);
  const rand = seededRandom(20261203);
  const x = randomArray(rand, rows * cols, -4, 4);
  const dy = randomArray(rand, rows * cols);
  const ref = reference(x.subarray(0, checkRows * cols), dy.subarray(0, checkRows * cols), checkRows, cols);
  const [bx, by, bdy, bdx] = [x, null, dy, null].map((d, i) => {
    const b = be.alloc(rows * cols, 'f32', 'scratch', `tune.softmax${i}`);
    if (d) be.write(b, d);
    return b;
  });
  const tol = { abs: 2e-6, rel: 2e-5 };
  try {
    return await tuner.tune(key, shape, candidates, {
      validate: async (c) => {
        be.fill(by, Number.NaN);
        be.fill(bdx, Number.NaN);
        be.softmaxWith(c, bx, by, checkRows, cols);
        be.softmaxBackwardWith(c, by, bdy, bdx, checkRows, cols);
        const n = checkRows * cols;
        const dY = diff(ref.y, (await be.read(by)).subarray(0, n), tol);
        const dX = diff(ref.dx, (await be.read(bdx)).subarray(0, n), tol);
        return { ok: dY.ok && dX.ok, maxAbsError: Math.max(dY.maxAbs, dX.maxAbs) };
      },
      time: (c) =>
        clock(() => {
          be.softmaxWith(c, bx, by, rows, cols);
          be.softmaxBackwardWith(c, by, bdy, bdx, rows, cols);
        }, c),
    });
  } finally {
    for (const b of [bx, by, bdy, bdx]) be.free(b);
  }
}
