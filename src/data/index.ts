/**
 * Entry point of the data layer: one way to make any of the five tasks. Generated tasks
 * (ListOps, Pathfinder) build their evaluation splits here; corpus tasks need `fetchBytes`
 * (httpFetcher() in the browser) to load the prepared files.
 */

import { createListOpsTask, type ListOpsConfig } from './listops/task';
import { createPathfinderTask, type PathfinderConfig } from './pathfinder/task';
import { ImageTask, type ImageConfig } from './corpora/image';
import { loadMnistCorpus, loadSpamCorpus, type FetchBytes } from './corpora/load';
import { RetrievalTask, type RetrievalConfig } from './corpora/retrieval';
import { TextTask, type TextConfig } from './corpora/text';
import type { TaskSource } from './task';

export type { TaskSource, TaskName, Batch, Example, Split } from './task';
/** What `createTask` makes a `TaskSource` from: the task and its generator's or corpus reader's options. */
export type TaskSourceSpec =
  | { task: 'listops'; config: ListOpsConfig }
  | { task: 'pathfinder'; config: PathfinderConfig }
  | { task: 'text'; config: TextConfig }
  | { task: 'retrieval'; config: RetrievalConfig }
  | { task: 'image'; config: ImageConfig };

/** Makes a task for a data seed. */
export async function createTask(spec: TaskSourceSpec, seed: number, opts: { fetchBytes?: FetchBytes } = {}): Promise<TaskSource> {
  const need = () => {
    if (!opts.fetchBytes) throw new Error(`task ${spec.task} reads a prepared corpus: pass fetchBytes (httpFetcher() in the browser)`);
    return opts.fetchBytes;
  };
  switch (spec.task) {
    case 'listops':
      return createListOpsTask(spec.config, seed);
    case 'pathfinder':
      return createPathfinderTask(spec.config, seed);
    case 'text':
      return new TextTask(await loadSpamCorpus(need()), spec.config, seed);
    case 'retrieval':
      return new RetrievalTask(await loadSpamCorpus(need()), spec.config, seed);
    case 'image':
      return new ImageTask(await loadMnistCorpus(need()), spec.config, seed);
  }
}
