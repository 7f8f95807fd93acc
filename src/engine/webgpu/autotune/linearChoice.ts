/**
 * Which kernel the fused Linear (kernels/linear.wgsl: product, bias and head split in one
 * dispatch) runs. Its product x·Wᵀ is a matrix product of shape class (1, rows, n, k, Bᵀ), so
 * where the matmul tuner has a choice for that class the Linear takes the version that
 * corresponds to it; elsewhere a fixed rule decides (docs/kernels.md "Kernels tuned for the
 * adapter"):
 *
 * - tuned `reg4/RW` → the Linear's `reg4` with the same workgroup side RW (an override constant
 *   in linear.wgsl, like matmul's);
 * - tuned `tiled` → the Linear's `tiled`;
 * - tuned `naive` → the Linear's `tiled`: the Linear has no naive version, and of its two the
 *   tiled one is the closest — one output per invocation on the same 16×16 grid of workgroups
 *   as matmul_naive, where reg4 blocks 4×4 outputs per invocation (which naive wins against
 *   exactly when blocking does not pay);
 * - no tuned choice (tuning off, a class not tuned yet, or a forced matmul kernel): the rule,
 *   `reg4` with side 8 on a software adapter (registers win there and workgroup tiling loses),
 *   `tiled` otherwise. Tests may replace the rule to run either version.
 *
 * Looked up on every Linear call: one reused params object and a table of constant answers,
 * so a call allocates nothing (while the table records, a class met for the first time is
 * copied once, so that the session tunes it between steps as it does the plain products').
 */
import type { MatmulParams } from '../../backend';
import { REG4_SIDES } from '../kernels/matmul';
import type { MatmulTable } from './matmulTable';
import type { MatmulConfig } from './matmulTuner';

export type LinearVersion = 'tiled' | 'reg4';

/** A Linear kernel: its version, reg4's workgroup side (0 for tiled), and its name in reports (`linear reg4/8`). */
export interface LinearKernel {
  readonly version: LinearVersion;
  readonly rw: number;
  readonly name: string;
}

const make = (version: LinearVersion, rw: number): LinearKernel =>
  Object.freeze({ version, rw, name: version === 'reg4' ? `linear reg4/${rw}` : 'linear tiled' });

export const LINEAR_TILED = make('tiled', 0);
/** The Linear's reg4 version by workgroup side: the sides the matmul tuner tries. */
export const LINEAR_REG4: ReadonlyMap<number, LinearKernel> = new Map(REG4_SIDES.map((rw) => [rw, make('reg4', rw)]));

/** The reg4 Linear with workgroup side `rw` (one of the matmul reg4 sides). */
export function linearReg4(rw: number): LinearKernel {
  const k = LINEAR_REG4.get(rw);
  if (!k) throw new Error(`linear: reg4 workgroup side ${rw} is not one of ${REG4_SIDES.join(', ')}`);
  return k;
}

/** The rule where nothing was tuned: reg4 (side 8) on a software adapter, tiled on a GPU. */
export function linearRule(isFallbackAdapter: boolean): LinearKernel {
  return isFallbackAdapter ? linearReg4(8) : LINEAR_TILED;
}

/** The Linear kernel that corresponds to a tuned matmul choice (see the list above). */
export function linearForMatmul(c: MatmulConfig): LinearKernel {
  if (c.kernel === 'reg4') return linearReg4(c.rw);
  return LINEAR_TILED; // 'tiled', and 'naive' (closest: one output per invocation, 16×16 grid)
}

/** The Linear's product as a matmul shape, for its shape class. */
export function linearProduct(rows: number, k: number, n: number): MatmulParams {
  return { batch: 1, m: rows, n, k, transA: false, transB: true, strideA: rows * k, strideB: 0, alpha: 1, accumulate: false };
}

/** The backend's Linear choice: the tuned table's, mapped, else `rule`. */
export class LinearChoice {
  /** The kernel where the table has nothing for the class (tests set either version). */
  rule: LinearKernel;
  private readonly p = linearProduct(1, 1, 1);

  /** `table` null: the matmul kernel is forced, so the Linear keeps its rule. */
  constructor(
    private readonly table: MatmulTable | null,
    isFallbackAdapter: boolean,
  ) {
    this.rule = linearRule(isFallbackAdapter);
  }

  /** The kernel for a Linear of `rows` × `k` inputs and `n` outputs. */
  pick(rows: number, k: number, n: number): LinearKernel {
    if (!this.table) return this.rule;
    const p = this.p;
    p.m = rows;
    p.k = k;
    p.n = n;
    p.strideA = rows * k;
    const tuned = this.table.lookup(p);
    return tuned ? linearForMatmul(tuned) : this.rule;
  }
}
