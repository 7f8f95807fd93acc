/**
 * The backend's table of softmax row layouts by shape class (shapeTable.ts, as matmulTable.ts):
 * empty means the rule; while `recording`, a class met for the first time is kept
 * with its shape so the session can tune it between steps; a lookup allocates nothing.
 */
import type { WebGpuBackend } from '../backend';
import type { MatmulDecision } from './matmulTable';
import { type RowClock, type RowConfig, rowClass, rowClassLabel, rowConfigName, tuneSoftmax } from './rowTuner';
import { ShapeTable } from './shapeTable';
import type { Autotuner } from './tuner';

export class RowTable extends ShapeTable<[number, number], RowConfig> {
  constructor() {
    super(rowClassLabel, rowConfigName);
  }

  /** The tuned layout for a softmax over `rows` rows of `cols`, or undefined (then the rule decides). */
  lookup(rows: number, cols: number): RowConfig | undefined {
    const cls = rowClass(rows, cols);
    const c = this.chosen.get(cls);
    if (!c && this.wants(cls)) this.pending.set(cls, [rows, cols]);
    return c;
  }

  /** Fix the layout of (rows, cols)'s class. */
  set(rows: number, cols: number, config: RowConfig): void {
    this.setClass(rowClass(rows, cols), config);
  }

  /** Tune every pending class on `be` (from the cache where it knows the class), fix the choices, return them. */
  tunePending(be: WebGpuBackend, tuner: Autotuner, clock: RowClock): Promise<MatmulDecision[]> {
    return this.tuneEach(([rows, cols]) => tuneSoftmax(be, tuner, rows, cols, clock));
  }
}
