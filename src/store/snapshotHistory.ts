/**
 * The attention-view snapshots kept along a run, for the scrubber: at most `capacity` of them,
 * thinned evenly. Every `stride`-th refresh is kept; when the kept list is full, every second one
 * goes and the stride doubles, so the kept snapshots stay evenly spaced over the whole run (in
 * refreshes) however long it trains. The newest refresh is always shown as the last frame, kept
 * or not, so the scrubber ends at the map on screen.
 */
import type { AttentionViews } from './attentionViews';

/** The most snapshots a run keeps. */
export const MAX_SNAPSHOTS = 64;
/** The most bytes of matrices the snapshots of one run may hold (larger views keep fewer). */
export const SNAPSHOT_BUDGET_BYTES = 64 * 1024 * 1024;

/** Bytes of the matrices and the example in one views reply. */
export function bytesOfViews(v: AttentionViews): number {
  let bytes = v.example.tokens.byteLength;
  for (const layer of v.heads)
    for (const head of layer)
      for (const x of Object.values(head)) {
        if (x && typeof x === 'object' && 'data' in x && x.data instanceof Float32Array) bytes += x.data.byteLength;
        else if (Array.isArray(x)) bytes += 8 * x.length;
      }
  return bytes;
}

/** How many snapshots of this size fit the budget (2 to MAX_SNAPSHOTS). */
export function snapshotCapacity(bytesEach: number, budget = SNAPSHOT_BUDGET_BYTES, max = MAX_SNAPSHOTS): number {
  return Math.max(2, Math.min(max, Math.floor(budget / Math.max(1, bytesEach))));
}

export class SnapshotHistory<T> {
  private kept: T[] = [];
  private tail: T | null = null;
  private stride = 1;
  private refreshes = 0;

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 2) throw new Error(`snapshot capacity must be an integer ≥ 2, got ${capacity}`);
  }

  /**
   * Record one refresh. When `replaces(newest)` holds (a second refresh of the same training
   * step, as when the run has not moved yet), the item takes the newest one's place: the
   * scrubber shows one frame per step.
   */
  add(item: T, replaces?: (newest: T) => boolean): void {
    if (replaces) {
      if (this.tail !== null && replaces(this.tail)) {
        this.tail = item;
        return;
      }
      if (this.tail === null && this.kept.length > 0 && replaces(this.kept[this.kept.length - 1])) {
        this.kept[this.kept.length - 1] = item;
        return;
      }
    }
    const i = this.refreshes++;
    if (i % this.stride !== 0) {
      this.tail = item;
      return;
    }
    this.tail = null;
    this.kept.push(item);
    // Room for the tail: kept + tail never exceed the capacity.
    if (this.kept.length >= this.capacity) {
      this.kept = this.kept.filter((_, k) => k % 2 === 0);
      this.stride *= 2;
      // The newest may be off the new stride: it stays the last frame until the next refresh.
      if (this.kept.at(-1) !== item) this.tail = item;
    }
  }

  /** The snapshots in order, the newest last. */
  list(): T[] {
    return this.tail === null ? [...this.kept] : [...this.kept, this.tail];
  }

  /** Refreshes between two kept snapshots (doubles at each thinning). */
  get every(): number {
    return this.stride;
  }
}

/** The snapshot nearest to a step (the latest when there is no step to match; undefined when there are none). */
export function nearestSnapshot<T extends { step: number }>(snapshots: readonly T[], step: number | null): T | undefined {
  if (snapshots.length === 0) return undefined;
  if (step === null) return snapshots[snapshots.length - 1];
  return snapshots.reduce((best, v) => (Math.abs(v.step - step) < Math.abs(best.step - step) ? v : best));
}
