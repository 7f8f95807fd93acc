/**
 * Built-in studies. Each is small data: a base preset, arms and seeds. `npm run study -- --study
 * <name>` runs one in Node; a JSON file of the same shape (`--study file.json`) runs yours.
 */
import { ABLATIONS } from '../presets/ablations';
import type { RunConfig } from '../config';
import { PRESETS } from '../presets';
import { comparisonBlock, comparisonChunk, PAPER_COMPARISON, projectionBudget } from '../presets/comparison';
import type { Study } from './definition';

/** Three seeds: the fewest that give a t-interval (its half-width is 4.3 standard errors). */
export const DEFAULT_SEEDS = [0, 1, 2] as const;

/** The paper's ablation (full Proxyformer, each addition removed, Nyströmformer, softmax) on quick ListOps. */
export const ABLATION_STUDY: Study = {
  name: 'ablation',
  title: "The paper's ablation on quick ListOps",
  description:
    'Full Proxyformer, then without input injection, without the contrastive loss, without decomposed dropout, and the Nyströmformer and softmax baselines; same sizes, steps and seeds.',
  base: PRESETS['quick-listops-proxy'].config,
  arms: ABLATIONS.map((a) => ({ name: a.name, label: a.label, what: a.what, attention: a.attention, overrides: a.overrides })),
  seeds: DEFAULT_SEEDS,
  baseline: 'nystrom',
};

/**
 * The paper's comparison (softmax, Linformer, Performer, Nyströmformer, Proxyformer) for a base
 * config: every projection-based arm gets the base's budget (landmarks = proxies = Linformer k =
 * Performer features), and each is read against exact softmax attention. Reformer and BigBird
 * are not implemented here (src/presets/comparison.ts lists them).
 */
export function paperComparisonStudy(base: RunConfig): Study {
  const budget = projectionBudget(base);
  return {
    name: 'paper',
    title: "The paper's comparison of attention variants",
    description:
      'softmax, Reformer, BigBird, Linformer, Performer, Nyströmformer and Proxyformer with one projection budget (landmarks = proxies = Linformer k = Performer features); same sizes, steps and seeds.',
    base,
    arms: PAPER_COMPARISON.map((a) => ({
      name: a.name,
      label: a.label,
      what: a.what,
      attention: a.attention,
      overrides: {
        landmarks: budget,
        linformerK: budget,
        performerFeatures: budget,
        bigbirdBlock: comparisonBlock(base),
        reformerChunk: comparisonChunk(base),
      },
    })),
    seeds: DEFAULT_SEEDS,
    baseline: 'softmax',
  };
}

export const PAPER_STUDY: Study = paperComparisonStudy(PRESETS['quick-listops-proxy'].config);

/** Five seeds: the readings study compares arms a few points apart, so it needs the narrower interval. */
export const READING_SEEDS = [0, 1, 2, 3, 4] as const;

/**
 * Readings of Proxyformer (docs/models.md "Which reading of Proxyformer"): today's proxies
 * (N(0, 0.02), swamped by the injected read-out) against proxies that start diverse, beside
 * Nyströmformer (the baseline) and softmax. Every Proxyformer arm names its proxy switches, so
 * an arm keeps its meaning when the defaults change.
 */
export function readingsStudy(name: string, taskLabel: string, base: RunConfig): Study {
  return {
    name,
    title: `Readings of Proxyformer on ${taskLabel}`,
    // Arms run in this order, so the comparison the defaults rest on finishes first.
    description:
      'Nyströmformer, softmax, and Proxyformer with normal or orthogonal proxy initialisation (projected proxies, or per-head proxies with K̃ tied to Q̃ at the start) and the injected read-out as is or centred; same sizes, steps and seeds.',
    base,
    arms: [
      { name: 'nystrom', label: 'Nyströmformer', what: 'segment-mean landmarks', attention: 'nystrom', overrides: {} },
      {
        name: 'proxy-per-head-orthogonal',
        label: 'Proxyformer, per-head orthogonal proxies',
        what: 'per-head Q̃, K̃, orthogonal rows, K̃ = Q̃ at the start',
        attention: 'proxy',
        overrides: { proxyParam: 'per-head', proxyInit: 'orthogonal', injection: 'attend' },
      },
      {
        name: 'proxy-per-head-orthogonal-centred',
        label: 'Proxyformer, per-head orthogonal proxies, centred read-out',
        what: 'as above, the injected read-out minus its mean over the proxies',
        attention: 'proxy',
        overrides: { proxyParam: 'per-head', proxyInit: 'orthogonal', injection: 'attend-centred' },
      },
      {
        name: 'proxy-normal',
        label: 'Proxyformer, normal proxies',
        what: 'projected proxies, N(0, 0.02) (the reading before this study)',
        attention: 'proxy',
        overrides: { proxyParam: 'projected', proxyInit: 'normal', injection: 'attend' },
      },
      {
        name: 'proxy-orthogonal',
        label: 'Proxyformer, orthogonal proxies',
        what: 'projected proxies, orthogonal rows of unit entry scale',
        attention: 'proxy',
        overrides: { proxyParam: 'projected', proxyInit: 'orthogonal', injection: 'attend' },
      },
      { name: 'softmax', label: 'softmax', what: 'exact attention', attention: 'softmax', overrides: {} },
    ],
    seeds: READING_SEEDS,
    baseline: 'nystrom',
  };
}

export const READINGS_LISTOPS = readingsStudy('readings-listops', 'quick ListOps', PRESETS['quick-listops-proxy'].config);
export const READINGS_IMAGE = readingsStudy('readings-image', 'quick MNIST', PRESETS['quick-image-proxy'].config);

export const STUDIES: Record<string, Study> = Object.fromEntries(
  [ABLATION_STUDY, PAPER_STUDY, READINGS_LISTOPS, READINGS_IMAGE].map((s) => [s.name, s]),
);
