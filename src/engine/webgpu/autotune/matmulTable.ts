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

export class MatmulTable {
  private readonly chosen = new Map<number, MatmulConfig>();
  private readonly pending = new Map<number, MatmulParams>();
  private readonly decisions: MatmulDecision[] = [];
  /** Remember the first shape of every class without a choice (see `tunePending`). */
  recording = false;

  /** The tuned configuration for `p`'s class, or undefined (then the rule decides). */
  lookup(p: MatmulParams): MatmulConfig | undefined {
    const cls = matmulClass(p);
    const c = this.chosen.get(cls);
    if (!c && this.recording && !this.pending.has(cls)) this.pending.set(cls, { ...p });
    return c;
  }

  /** Classes seen while recording and not tuned yet. */
  get pendingCount(): number {
    return this.pending.size;
  }

  /** Fix the choice of `p`'s class. */
  set(p: MatmulParams, config: MatmulConfig): void {
    this.chosen.set(matmulClass(p), config);
  }

  /** The decisions made so far, in order. */
  list(): readonly MatmulDecision[] {
    return this.decisions;
  }

  /**
   * Tune every pending class on `be` (from `tuner`'s cache where it knows the class), fix the
   * choices, and return the new decisions. A class with no valid candidate throws.
   */
  async tunePending(be: WebGpuBackend, tuner: Autotuner, clock?: MatmulClock): Promise<MatmulDecision[]> {
    const made: MatmulDecision[] = [];
    for (const [cls, p] of [...this.pending]) {
      const r = await tuneMatmul(be, tuner, p, clock);
      this.chosen.set(cls, r.config);
      this.pending.delete(cls);
      made.push({ shapeClass: matmulClassLabel(cls), choice: configName(r.config), source: r.source, ms: r.ms, rejected: r.rejected });
    }
    this.decisions.push(...made);
    return made;
  }
}
