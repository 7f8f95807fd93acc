/**
 * Live attention views: while a run trains, ask the worker for the views of the chosen example
 * again and again, paced so that they cost at most VIEWS_SHARE of the wall time (livePacing.ts),
 * and keep what comes back: the latest views (in the training store), a bounded, evenly thinned
 * list of snapshots per run for the scrubber (snapshotHistory.ts), and one point per refresh of
 * the landmarks' redundancy and pseudo-inverse residual, from the run's first steps on.
 */
import { createStore, type StoreApi } from 'zustand/vanilla';
import { useStore } from 'zustand';
import type { AttentionViews } from './attentionViews';
import { measuredPace, MIN_INTERVAL_MS, nextIntervalMs, type Refresh } from './livePacing';
import { bytesOfViews, snapshotCapacity, SnapshotHistory } from './snapshotHistory';
import type { TrainingClient } from './trainingStore';

/** One point of the histories over training. */
export interface HistoryPoint {
  step: number;
  /** Mean off-diagonal cosine of the landmarks/proxies (all layers, heads, Q̃ and K̃). */
  redundancy?: number;
  /** Mean over layers and heads of the last ‖I − K2·Z‖. */
  pinvResidual?: number;
}

export interface LiveViewsState {
  /** Refresh while a run trains (the user can pause it). */
  live: boolean;
  example: number;
  split: 'validation' | 'test';
  layer: number;
  head: number;
  /** Snapshots per run, oldest first (bounded, see snapshotHistory.ts). */
  snapshots: Record<string, AttentionViews[]>;
  /** How many snapshots a run keeps at most (set by the first views' size). */
  capacity: Record<string, number>;
  history: Record<string, HistoryPoint[]>;
  /** Measured over the last refreshes: share of wall time and steps between refreshes. */
  pace: { share: number; steps: number } | null;
  /** The current wait between two refreshes (ms). */
  intervalMs: number;
  /** Which snapshot of the current run is shown instead of the latest views (null: the latest). */
  scrub: number | null;
}

/** Runs whose snapshots are kept (the oldest run's go first). */
const MAX_RUNS = 4;
/** History points per run before every second one is dropped. */
const MAX_HISTORY = 4096;
/**
 * A request unanswered this long (ms) is taken as lost. Only a backstop: a slow reply must not be
 * replaced by a new request (the store would then drop it as stale, and a slow machine would never
 * see a map); a request is asked again at once when the run stopped training since it was sent.
 */
const LOST_MS = 300_000;

export function initialLiveViews(): LiveViewsState {
  return {
    live: true,
    example: 0,
    split: 'validation',
    layer: 0,
    head: 0,
    snapshots: {},
    capacity: {},
    history: {},
    pace: null,
    intervalMs: MIN_INTERVAL_MS,
    scrub: null,
  };
}

/** The history point of one views reply. */
export function historyPoint(v: AttentionViews): HistoryPoint {
  const mean = (xs: (number | undefined)[]) => {
    const f = xs.filter((x): x is number => typeof x === 'number' && Number.isFinite(x));
    return f.length === 0 ? undefined : f.reduce((a, b) => a + b, 0) / f.length;
  };
  const heads = v.heads.flat();
  return {
    step: v.step,
    redundancy: mean(heads.flatMap((h) => [h.queryMeanOffDiagonal, h.keyMeanOffDiagonal])),
    pinvResidual: mean(heads.map((h) => h.pinvResidual?.at(-1))),
  };
}

/** Follows a training client: asks for views while it trains and records the replies. */
export class LiveViews {
  readonly store: StoreApi<LiveViewsState> = createStore<LiveViewsState>()(() => initialLiveViews());
  private readonly histories = new Map<string, SnapshotHistory<AttentionViews>>();
  private refreshes: Refresh[] = [];
  private lastReplyAt = -Infinity;
  private inFlight: { id: number; at: number; interrupted: boolean } | null = null;
  private runId: string | null = null;
  private unsubscribe: (() => void) | null = null;

  constructor(
    private readonly client: TrainingClient,
    private readonly now: () => number = () => performance.now(),
  ) {}

  /** Start following the client's store (idempotent). */
  attach(): void {
    if (this.unsubscribe) return;
    this.unsubscribe = this.client.store.subscribe((s, prev) => {
      if (s.runId !== this.runId) this.newRun(s.runId);
      if (s.runState !== 'running' && this.inFlight) this.inFlight.interrupted = true;
      if (s.views !== prev.views && s.views !== null && s.runId !== null) this.record(s.runId, s.views);
      this.maybeRequest();
    });
  }

  detach(): void {
    this.unsubscribe?.();
    this.unsubscribe = null;
  }

  /** Pause or resume refreshing. */
  setLive(live: boolean): void {
    this.store.setState({ live });
    if (live) this.maybeRequest();
  }

  /** Choose the example (a new one is asked for at once while training). */
  setExample(example: number, split: 'validation' | 'test'): void {
    this.store.setState({ example, split });
    this.lastReplyAt = -Infinity;
    this.maybeRequest();
  }

  select(layer: number, head: number): void {
    this.store.setState({ layer, head });
  }

  /** Show snapshot `i` of the current run (null: follow the latest). */
  scrubTo(i: number | null): void {
    this.store.setState({ scrub: i });
  }

  private newRun(runId: string | null): void {
    this.runId = runId;
    this.refreshes = [];
    this.lastReplyAt = -Infinity;
    this.inFlight = null;
    this.store.setState({ scrub: null, pace: null, intervalMs: MIN_INTERVAL_MS });
  }

  private record(runId: string, views: AttentionViews): void {
    const t = this.now();
    this.inFlight = null;
    this.lastReplyAt = t;
    const computeMs = views.computeMs ?? 0;
    this.refreshes = [...this.refreshes.slice(-7), { at: t, step: views.step, computeMs }];
    let h = this.histories.get(runId);
    if (!h) {
      h = new SnapshotHistory<AttentionViews>(snapshotCapacity(bytesOfViews(views)));
      this.histories.set(runId, h);
      // Only the newest runs keep their snapshots (memory stays bounded).
      while (this.histories.size > MAX_RUNS) this.histories.delete(this.histories.keys().next().value as string);
    }
    h.add(views, (newest) => newest.step === views.step);
    const s = this.store.getState();
    const earlier = s.history[runId] ?? [];
    // One history point per step, as one snapshot per step: a refresh before the run moved replaces the last.
    let points = [...(earlier.at(-1)?.step === views.step ? earlier.slice(0, -1) : earlier), historyPoint(views)];
    if (points.length > MAX_HISTORY) points = points.filter((_, i) => i % 2 === 0 || i === points.length - 1);
    const snapshots: Record<string, AttentionViews[]> = {};
    for (const [id, hist] of this.histories) snapshots[id] = id === runId ? hist.list() : (s.snapshots[id] ?? hist.list());
    this.store.setState({
      snapshots,
      capacity: { ...s.capacity, [runId]: h.capacity },
      history: { ...s.history, [runId]: points },
      pace: measuredPace(this.refreshes),
      // A run's first reply carries one-off pipeline compiles, not what a refresh costs.
      intervalMs: nextIntervalMs(this.refreshes.length <= 1 ? 0 : computeMs),
    });
  }

  private maybeRequest(): void {
    const s = this.client.store.getState();
    const live = this.store.getState();
    if (!live.live || s.runState !== 'running' || s.runId === null) return;
    const t = this.now();
    if (this.inFlight?.id === -1) return;
    const f = this.inFlight;
    if (f !== null && !f.interrupted && s.viewsPending === f.id && t - f.at < LOST_MS) return;
    if (this.inFlight === null && s.viewsPending !== null) {
      // A request of the user's (or one left from a stopped run): wait for it, but not for ever.
      this.inFlight = { id: s.viewsPending, at: t, interrupted: false };
      return;
    }
    if (t - this.lastReplyAt < live.intervalMs) return;
    // requestViews notifies this subscriber again before it returns: mark the request first.
    this.inFlight = { id: -1, at: t, interrupted: false };
    this.inFlight = { id: this.client.requestViews(live.example, live.split), at: t, interrupted: false };
  }
}

let pageLive: LiveViews | null = null;

/** The page's live views, following the page's training client (created and attached on first use). */
export function liveViews(client: () => TrainingClient): LiveViews {
  pageLive ??= new LiveViews(client());
  pageLive.attach();
  return pageLive;
}

/** React hook over the page's live-views store. */
export function useLiveViews<T>(live: LiveViews, select: (s: LiveViewsState) => T): T {
  return useStore(live.store, select);
}
