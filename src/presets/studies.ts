/**
 * The studies the runner (page and command line) can queue from one base config: the paper's
 * ablation (RQ2) and the paper's comparison of attention variants.
 */
import type { RunConfig } from '../config';
import { ablationStudy, type AblationRun } from './ablations';
import { comparisonBlock, comparisonChunk, NOT_YET_AVAILABLE, PAPER_COMPARISON, projectionBudget, withBudget } from './comparison';

export const STUDY_NAMES = ['ablation', 'paper'] as const;
export type StudyName = (typeof STUDY_NAMES)[number];

export interface Study {
  name: StudyName;
  title: string;
  /** What it runs, in one sentence. */
  description: string;
  /** The runs for a base config, each validated. */
  runs(base: RunConfig): AblationRun[];
  /** Models the study should have but this project does not implement yet (shown as such). */
  unavailable: readonly { label: string; note: string }[];
}

export const STUDIES: Readonly<Record<StudyName, Study>> = {
  ablation: {
    name: 'ablation',
    title: 'Ablation study',
    description:
      'The paper’s RQ2: full Proxyformer, without injection, without the contrastive loss, without decomposed dropout, Nyströmformer and softmax.',
    runs: (base) => ablationStudy(base),
    unavailable: [],
  },
  paper: {
    name: 'paper',
    title: 'The paper’s comparison',
    description:
      'softmax, Reformer, BigBird, Linformer, Performer, Nyströmformer and Proxyformer, every projection-based model with the same budget (landmarks = proxies = Linformer k = Performer features).',
    runs: (base) =>
      ablationStudy(base, PAPER_COMPARISON, (c) => withBudget(c, projectionBudget(c), comparisonBlock(base), comparisonChunk(base))),
    unavailable: NOT_YET_AVAILABLE,
  },
};

/** A study by name, or an Error naming the known ones. */
export function getStudy(name: string): Study {
  if (!(STUDY_NAMES as readonly string[]).includes(name))
    throw new Error(`study ${JSON.stringify(name)} is not known: use one of ${STUDY_NAMES.join(', ')}`);
  return STUDIES[name as StudyName];
}
