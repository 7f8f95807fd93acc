/**
 * Entry point of the data layer: task presets and one way to make any of the five tasks.
 * Generated tasks (ListOps, Pathfinder) build their evaluation splits here unless `pools`
 * from the data worker are given; corpus tasks need `fetchBytes` (httpFetcher() in the
 * browser) to load the prepared files.
 */

import { createListOpsTask, LISTOPS_PRESETS, type ListOpsConfig } from './listops/task';
import { createPathfinderTask, PATHFINDER_PRESETS, type PathfinderConfig } from './pathfinder/task';
import { ImageTask, IMAGE_PRESETS, type ImageConfig } from './corpora/image';
import { loadMnistCorpus, loadSpamCorpus, type FetchBytes } from './corpora/load';
import { RetrievalTask, RETRIEVAL_PRESETS, type RetrievalConfig } from './corpora/retrieval';
import { TextTask, TEXT_PRESETS, type TextConfig } from './corpora/text';
import type { EvalPools } from './synthetic';
import type { Task, TaskName } from './task';

export type { Task, TaskName, Batch, Example, Split } from './task';
export type PresetName = 'paper' | 'small';

export const TASK_PRESETS = {
  listops: LISTOPS_PRESETS,
  pathfinder: PATHFINDER_PRESETS,
  text: TEXT_PRESETS,
  retrieval: RETRIEVAL_PRESETS,
  image: IMAGE_PRESETS,
} as const;

export type TaskSpec =
  | { task: 'listops'; config: ListOpsConfig }
  | { task: 'pathfinder'; config: PathfinderConfig }
  | { task: 'text'; config: TextConfig }
  | { task: 'retrieval'; config: RetrievalConfig }
  | { task: 'image'; config: ImageConfig };

/** The spec of a task's preset. */
export function presetSpec(task: Exclude<TaskName, 'custom'>, preset: PresetName): TaskSpec {
  const config = TASK_PRESETS[task]?.[preset];
  if (!config) throw new Error(`unknown task/preset ${task}/${preset}; tasks: ${Object.keys(TASK_PRESETS).join(', ')}, presets: paper, small`);
  return { task, config } as TaskSpec;
}

/** Makes a task for a data seed. */
export async function createTask(spec: TaskSpec, seed: number, opts: { fetchBytes?: FetchBytes; pools?: EvalPools } = {}): Promise<Task> {
  const need = () => {
    if (!opts.fetchBytes) throw new Error(`task ${spec.task} reads a prepared corpus: pass fetchBytes (httpFetcher() in the browser)`);
    return opts.fetchBytes;
  };
  switch (spec.task) {
    case 'listops': return createListOpsTask(spec.config, seed, opts.pools);
    case 'pathfinder': return createPathfinderTask(spec.config, seed, opts.pools);
    case 'text': return new TextTask(await loadSpamCorpus(need()), spec.config, seed);
    case 'retrieval': return new RetrievalTask(await loadSpamCorpus(need()), spec.config, seed);
    case 'image': return new ImageTask(await loadMnistCorpus(need()), spec.config, seed);
  }
}
