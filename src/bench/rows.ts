/**
 * The scaling sweep's vocabulary: the variants and modes it measures, its options, and the rows,
 * growth fits, target lines and peer figures it reports (sweep.ts measures, targets.ts reads the
 * rows against the targets).
 */
import type { MemoryCategory } from '../engine';
import { ATTENTIONS, type Attention, type DeviceLimits, type RunConfig } from '../config';
import { VARIANT_NAMES as ATTENTION_NAMES } from '../presets/names';
import type { PowerFit, Spread } from './stats';

/**
 * Every value of the schema's `attention` key (a new variant is swept without touching this
 * file), and softmax, Nyströmformer and Proxyformer once more with softmaxImpl 'fused' (every
 * softmax-weighted product without its probabilities in memory) beside the materialized ones.
 */
const FUSED = ['softmax-fused', 'nystrom-fused', 'proxy-fused'] as const;
export const VARIANTS = [...ATTENTIONS, ...FUSED] as const;
export type Variant = Attention | (typeof FUSED)[number];
export const MODES = ['train', 'inference'] as const;
export type Mode = (typeof MODES)[number];

/** The paper's names for the variants (tables and charts), and the fused ones'. */
export const VARIANT_NAMES: Readonly<Record<Variant, string>> = {
  ...ATTENTION_NAMES,
  'softmax-fused': 'softmax (fused)',
  'nystrom-fused': 'Nyströmformer (fused)',
  'proxy-fused': 'Proxyformer (fused)',
};

/** The attention a swept variant runs, and the keys it sets on top of the paper preset. */
export function variantKeys(v: Variant): { attention: Attention } & Partial<RunConfig> {
  // Fused softmax refuses attention dropout (it never stores the probabilities to drop).
  if (v === 'softmax-fused') return { attention: 'softmax', softmaxImpl: 'fused', attentionDropout: 0 };
  if (v === 'nystrom-fused' || v === 'proxy-fused') return { attention: v === 'proxy-fused' ? 'proxy' : 'nystrom', softmaxImpl: 'fused' };
  return { attention: v };
}

/** What the figures came from: written next to every figure. */
export interface AdapterInfo {
  /** Badge text, e.g. "WebGPU · swiftshader (software)". */
  label: string;
  vendor: string;
  architecture: string;
  device: string;
  description: string;
  /** True for software adapters (SwiftShader, lavapipe): their speed says nothing about GPUs. */
  isFallback: boolean;
  /** Where the engine ran: "node <version> + Dawn (webgpu <version>)", "Chromium <version>". */
  runtime: string;
}

export interface SweepOptions {
  variants: Variant[];
  lengths: number[];
  /** Sequences per step (32 on a real GPU, as docs/gpu.md "Targets" assumes). */
  batch: number;
  warmup: number;
  repeats: number;
  /** Model keys changed from the ListOps paper preset (e.g. fewer landmarks for tiny lengths); recorded in the result. */
  overrides?: Partial<RunConfig>;
  /** The device's per-buffer limits; a (variant, length) whose largest buffer exceeds them is reported as not fitting. */
  limits?: DeviceLimits;
  /**
   * When the batch does not fit, halve it until it does and say so in the row's note (per-sequence
   * figures stay comparable). Off: the row is reported as not fitting.
   */
  shrinkBatch?: boolean;
  /** Which modes to measure (default both). */
  modes?: Mode[];
  /** Cancels the sweep between two measurements (the Scaling view's Cancel); the rows so far went out through onProgress. */
  signal?: AbortSignal;
}

export type RowStatus = 'ok' | 'does-not-fit' | 'error';

/** One (variant, mode, length) measurement. */
export interface Row {
  variant: Variant;
  mode: Mode;
  n: number;
  /** The batch actually run (smaller than asked only with shrinkBatch, see note). */
  batch: number;
  status: RowStatus;
  /** Why a row did not run, or that its batch was shrunk. */
  note?: string;
  /** Milliseconds per step (median, quartiles, min/max). */
  ms?: Spread;
  sequencesPerSecond?: number;
  tokensPerSecond?: number;
  /** Highest bytes in use in the engine pool during one step (weights, gradients, optimizer state included). */
  peakBytes?: number;
  peakBytesPerSequence?: number;
  peakByCategory?: Record<MemoryCategory, number>;
}

export interface GrowthRow {
  variant: Variant;
  mode: Mode;
  lengths: number[];
  fit: PowerFit;
}

/** A measured ratio against its target (docs/gpu.md "Targets"), reported as it is (never asserted). */
export interface TargetLine {
  name: string;
  /** The length it was measured at (4096 when measured, else the longest common length). */
  n: number;
  measured: number | null;
  target: string;
  met: boolean | null;
  note?: string;
}

/** A peer library's figure and its ratio to ours (see peers.ts). */
export interface PeerRow {
  peer: string;
  variant: Variant;
  mode: Mode;
  n: number;
  batch: number;
  status: RowStatus;
  note?: string;
  ms?: Spread;
  /** Peer's median ms ÷ ours: above 1 means we are faster. */
  ratioToOurs?: number;
}

export interface SweepResult {
  schema: 'proxyformer-bench/1';
  date: string;
  adapter: AdapterInfo;
  batch: number;
  lengths: number[];
  variants: Variant[];
  warmup: number;
  repeats: number;
  overrides: Partial<RunConfig>;
  /** How a sample is timed, in words. */
  timing: string;
  rows: Row[];
  growth: GrowthRow[];
  targets: TargetLine[];
  peers: PeerRow[];
}

export interface SweepProgress {
  done: number;
  total: number;
  variant: Variant;
  n: number;
  row?: Row;
}
