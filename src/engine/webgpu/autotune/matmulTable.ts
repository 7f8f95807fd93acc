/**
 * The backend's table of matrix-product choices by shape class. Empty means the documented rule
 * (`matmulChoice.ts`). While `recording`, a class met for the first time is remembered with its
 * shape so the session can tune it between steps (`tunePending`); after that the choice is fixed.
 * A lookup allocates nothing: the class is one number (`shapeClass.ts`).
 */
import type { MatmulParams } from '../../backend';
import type { WebGpuBackend } from '../backend';
import { type MatmulClock, type MatmulConfig, configName, tuneMatmul } from './matmulTuner';
import { matmulClass, matmulClassLabel } from './shapeClass';
import { ShapeTable } from './shapeTable';
import type { Autotuner } from './tuner';

/** A class's choice and where it came from, as the UI and the benchmarks show it. */
export interface MatmulDecision {
  /** The class, as `matmul b≤8 m≤512 n≤128 k≤32 Bᵀ`. */
  shapeClass: string;
  choice: string;
  /** 'tuned': timed on this adapter in this session; 'cache': timed earlier, read from the store. */
  source: 'tuned' | 'cache';
  /** Median ms per candidate (null: failed validation). */
  ms: Record<string, number | null>;
  rejected: { candidate: string; maxAbsError: number }[];
}

export class MatmulTable extends ShapeTable<MatmulParams, MatmulConfig> {
  constructor() {
    super(matmulClassLabel, configName);
  }

  /** The tuned configuration for `p`'s class, or undefined (then the rule decides). */
  lookup(p: MatmulParams): MatmulConfig | undefined {
    const cls = matmulClass(p);
    const c = this.chosen.get(cls);
    if (!c && this.wants(cls)) this.pending.set(cls, { ...p });
    return c;
  }

  /** Fix the choice of `p`'s class. */
  set(p: MatmulParams, config: MatmulConfig): void {
    this.setClass(matmulClass(p), config);
  }

  /**
   * Tune every pending class on `be` (from `tuner`'s cache where it knows the class), fix the
   * choices, and return the new decisions. A class with no valid candidate throws.
   */
  tunePending(be: WebGpuBackend, tuner: Autotuner, clock?: MatmulClock): Promise<MatmulDecision[]> {
    return this.tuneEach((p) => tuneMatmul(be, tuner, p, clock));
  }
}
