/**
 * The autotuner: for one shape class, validate every candidate against the CPU reference, time
 * the valid ones (warm-up, then the median of repeats), keep the fastest, and remember it per
 * adapter in a `TuneStore`. A cached class is answered from the cache without running anything.
 * A candidate that fails validation is never timed, never picked, and is listed in the result.
 * How a candidate is run, checked and timed is given by the caller (`TuneHooks`), so tests
 * drive the tuner with a fake timer (docs/kernels.md "Kernels tuned for the adapter").
 */
import { type PeakFigures, type TuneCacheData, type TuneStore, type TunedChoice, usable } from './store';

export interface TuneHooks<C> {
  /** Run candidate `c` once and compare with the CPU reference. */
  validate(c: C): Promise<{ ok: boolean; maxAbsError: number }>;
  /** Milliseconds of one run of `c` (the injectable timer). */
  time(c: C): Promise<number>;
}

export interface TuneResult<C> extends TunedChoice {
  /** The winning candidate's configuration. */
  config: C;
  /** 'tuned': timed now; 'cache': read from the store, nothing ran. */
  source: 'tuned' | 'cache';
}

export interface TunerOptions {
  /** Timed runs per candidate (the median counts). */
  repeats?: number;
  /** Untimed runs first (pipeline creation, caches). */
  warmup?: number;
  /** The clock of `tunedAt` (tests fix it). */
  now?: () => Date;
}

/** The median of a non-empty list. */
export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const h = s.length >> 1;
  return s.length % 2 ? s[h] : (s[h - 1] + s[h]) / 2;
}

export class NoValidCandidateError extends Error {
  constructor(key: string, rejected: { candidate: string; maxAbsError: number }[]) {
    super(
      `autotune ${key}: every candidate failed validation against the CPU reference (${rejected.map((r) => `${r.candidate}: max |Δ| ${r.maxAbsError}`).join('; ')})`,
    );
    this.name = 'NoValidCandidateError';
  }
}

export class Autotuner {
  private data: TuneCacheData | null = null;
  private readonly repeats: number;
  private readonly warmup: number;
  private readonly now: () => Date;

  constructor(
    readonly store: TuneStore,
    /** `adapterKey(report)`: the section of the store this tuner reads and writes. */
    readonly adapter: string,
    /** The adapter in words (written beside its section). */
    readonly adapterName: string,
    opts: TunerOptions = {},
  ) {
    this.repeats = opts.repeats ?? 3;
    this.warmup = opts.warmup ?? 1;
    this.now = opts.now ?? (() => new Date());
    if (!(Number.isInteger(this.repeats) && this.repeats >= 1))
      throw new Error(`autotune: repeats ${this.repeats} must be a positive integer`);
  }

  /**
   * The store's document, read again at every question: another tab, the page's "clear" button
   * or another process may have changed it since (a stale copy would write cleared choices back).
   */
  private async doc(): Promise<TuneCacheData> {
    this.data = usable(await this.store.load());
    return this.data;
  }

  private async section(): Promise<NonNullable<TuneCacheData['adapters'][string]>> {
    const d = await this.doc();
    d.adapters[this.adapter] ??= { adapter: this.adapterName, choices: {} };
    return d.adapters[this.adapter];
  }

  /** The cached choice for `key` on this adapter, if any. */
  async cached(key: string): Promise<TunedChoice | undefined> {
    return (await this.doc()).adapters[this.adapter]?.choices[key];
  }

  /**
   * The fastest valid candidate for class `key` (candidates by name). From the cache when it
   * names one of `candidates`; otherwise every candidate is validated, the valid ones timed,
   * and the result saved. Throws `NoValidCandidateError` when none is valid.
   */
  async tune<C>(key: string, shape: string, candidates: ReadonlyMap<string, C>, hooks: TuneHooks<C>): Promise<TuneResult<C>> {
    if (candidates.size === 0) throw new Error(`autotune ${key}: no candidates`);
    const hit = await this.cached(key);
    if (hit && candidates.has(hit.choice)) return { ...hit, config: candidates.get(hit.choice)!, source: 'cache' };
    const ms: Record<string, number | null> = {};
    const rejected: TunedChoice['rejected'] = [];
    let best: string | null = null;
    for (const [name, c] of candidates) {
      const v = await hooks.validate(c);
      if (!v.ok) {
        rejected.push({ candidate: name, maxAbsError: v.maxAbsError });
        ms[name] = null;
        continue;
      }
      for (let w = 0; w < this.warmup; w++) await hooks.time(c);
      const ts: number[] = [];
      for (let r = 0; r < this.repeats; r++) ts.push(await hooks.time(c));
      ms[name] = median(ts);
      if (best === null || ms[name]! < ms[best]!) best = name;
    }
    if (best === null) throw new NoValidCandidateError(key, rejected);
    const choice: TunedChoice = { choice: best, ms, rejected, shape, tunedAt: this.now().toISOString() };
    (await this.section()).choices[key] = choice;
    await this.store.save(this.data!);
    return { ...choice, config: candidates.get(best)!, source: 'tuned' };
  }

  /** The peak figures probed on this adapter, if any. */
  async peak(): Promise<PeakFigures | undefined> {
    return (await this.doc()).adapters[this.adapter]?.peak;
  }

  /** Keep the peak probe's figures beside the choices. */
  async savePeak(peak: PeakFigures): Promise<void> {
    (await this.section()).peak = peak;
    await this.store.save(this.data!);
  }

  /** Forget everything this store holds (every adapter), here and in the store. */
  async clear(): Promise<void> {
    this.data = null;
    await this.store.clear();
  }
}
