/**
 * Where tuning results live between runs: one small JSON document per store, with one section
 * per adapter. The page keeps it in IndexedDB (`idbStore.ts`), Node in a file (`fileStore.ts`),
 * tests in memory. Results are keyed by the adapter's identity and by `TUNING_VERSION`, so a
 * different GPU, a driver update or a change to the kernels never reuses a stale choice.
 */
import type { AdapterReport } from '../device';

/**
 * Bump when a kernel a tuner times changes (its code or its candidates): old choices are then
 * ignored, not trusted.
 */
export const TUNING_VERSION = 1;

/** Figures of the start-up peak probe (peak.ts). */
export interface PeakFigures {
  /** fp32 fused multiply-adds, as GFLOP/s (one FMA = 2 flops). */
  gflops: number;
  /** Copy bandwidth, GB/s of bytes read plus bytes written. */
  gbps: number;
  /** How the probe kernels were timed. */
  method: string;
  measuredAt: string;
}

/** One tuned shape class: the winner, every candidate's time, and the candidates that failed validation. */
export interface TunedChoice {
  choice: string;
  /** Median ms per candidate (null: failed validation, never timed). */
  ms: Record<string, number | null>;
  rejected: { candidate: string; maxAbsError: number }[];
  /** The shape that was timed, for the record. */
  shape: string;
  tunedAt: string;
}

export interface AdapterSection {
  /** The adapter, in words (vendor, architecture, device, description). */
  adapter: string;
  peak?: PeakFigures;
  choices: Record<string, TunedChoice>;
}

export interface TuneCacheData {
  version: number;
  adapters: Record<string, AdapterSection>;
  /**
   * Tune on a software adapter (SwiftShader) too. Off by default: there tuning costs a minute of
   * CPU on the first run and its timings say nothing about a GPU; the page has a switch for it.
   */
  tuneSoftware?: boolean;
}

/** Load, save and clear the whole document; `load` resolves null when nothing was stored. */
export interface TuneStore {
  /** Where the store keeps its data, in words (a path, "IndexedDB …", "memory"). */
  readonly where: string;
  load(): Promise<TuneCacheData | null>;
  save(data: TuneCacheData): Promise<void>;
  clear(): Promise<void>;
}

/**
 * The identity of an adapter: vendor, architecture, device and description. WebGPU does not
 * expose a driver version; where a browser or Dawn puts one in the description (SwiftShader:
 * "SwiftShader driver 5.0.0") a driver update gives a new key.
 */
export function adapterKey(report: Pick<AdapterReport, 'vendor' | 'architecture' | 'device' | 'description'>): string {
  return `v${TUNING_VERSION}|${report.vendor}|${report.architecture}|${report.device}|${report.description}`;
}

/** A store that forgets on exit (tests, and runs that asked for no persistence). */
export class MemoryTuneStore implements TuneStore {
  readonly where = 'memory';
  private data: TuneCacheData | null = null;
  /** How many times `save` was called (tests check that a cache hit writes nothing). */
  saves = 0;

  async load(): Promise<TuneCacheData | null> {
    return this.data ? structuredClone(this.data) : null;
  }

  async save(data: TuneCacheData): Promise<void> {
    this.saves++;
    this.data = structuredClone(data);
  }

  async clear(): Promise<void> {
    this.data = null;
  }
}

/** An empty document, or `data` when it is of this version (an older one is dropped, not migrated). */
export function usable(data: TuneCacheData | null): TuneCacheData {
  if (data && data.version === TUNING_VERSION && typeof data.adapters === 'object' && data.adapters) return data;
  return { version: TUNING_VERSION, adapters: {} };
}

/** Whether the store asks for tuning on software adapters too. */
export async function softwareTuning(store: TuneStore): Promise<boolean> {
  return usable(await store.load()).tuneSoftware === true;
}

/** Set that switch (kept with the tuning results; clearing the cache turns it off). */
export async function setSoftwareTuning(store: TuneStore, on: boolean): Promise<void> {
  const doc = usable(await store.load());
  doc.tuneSoftware = on;
  await store.save(doc);
}
