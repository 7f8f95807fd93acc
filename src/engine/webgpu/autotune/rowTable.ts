/**
 * The backend's table of softmax row layouts by shape class (see matmulTable.ts, which this
 * mirrors): empty means the rule; while `recording`, a class met for the first time is kept
 * with its shape so the session can tune it between steps; a lookup allocates nothing.
 */
import type { WebGpuBackend } from '../backend';
import type { MatmulDecision } from './matmulTable';
import { type RowClock, type RowConfig, rowClass, rowClassLabel, rowConfigName, tuneSoftmax } from './rowTuner';
import type { Autotuner } from './tuner';

export class RowTable {
  private readonly chosen = new Map<number, RowConfig>();
  private readonly pending = new Map<number, [number, number]>();
  private readonly decisions: MatmulDecision[] = [];
  /** Remember the first shape of every class without a choice. */
  recording = false;

  /** The tuned layout for a softmax over `rows` rows of `cols`, or undefined (then the rule decides). */
  lookup(rows: number, cols: number): RowConfig | undefined {
    const cls = rowClass(rows, cols);
    const c = this.chosen.get(cls);
    if (!c && this.recording && !this.pending.has(cls)) this.pending.set(cls, [rows, cols]);
    return c;
  }

  get pendingCount(): number {
    return this.pending.size;
  }

  /** Fix the layout of (rows, cols)'s class. */
  set(rows: number, cols: number, config: RowConfig): void {
    this.chosen.set(rowClass(rows, cols), config);
  }

  list(): readonly MatmulDecision[] {
    return this.decisions;
  }

  /** Tune every pending class on `be` (from the cache where it knows the class), fix the choices, return them. */
  async tunePending(be: WebGpuBackend, tuner: Autotuner, clock: RowClock): Promise<MatmulDecision[]> {
    const made: MatmulDecision[] = [];
    for (const [cls, [rows, cols]] of [...this.pending]) {
      const r = await tuneSoftmax(be, tuner, rows, cols, clock);
      this.chosen.set(cls, r.config);
      this.pending.delete(cls);
      made.push({ shapeClass: rowClassLabel(cls), choice: rowConfigName(r.config), source: r.source, ms: r.ms, rejected: r.rejected });
    }
    this.decisions.push(...made);
    return made;
  }
}
