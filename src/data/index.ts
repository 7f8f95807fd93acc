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
import type { Task } from './task';

export type { Task, TaskName, Batch, Example, Split } from './task';
export type TaskSpec =
  | { task: 'listops'; config: ListOpsConfig }
  | { task: 'pathfinder'; config: PathfinderConfig }
  | { task: 'text'; config: TextConfig }
  | { task: 'retrieval'; config: RetrievalConfig }
  | { task: 'image'; config: ImageConfig };

/** Makes a task for a data seed. */
export async function createTask(spec: TaskSpec, seed: number, opts: { fetchBytes?: FetchBytes } = {}): Promise<Task> {
  const need = () => {
    if (!opts.fetchBytes) throw new Error(`task ${spec.task} reads a prepared corpus: pass fetchBytes (httpFetcher() in the browser)`);
    return opts.fetchBytes;
  };
  switch (spec.task) {
    case 'listops': return createListOpsTask(spec.config, seed);
    case 'pathfinder': return createPathfinderTask(spec.config, seed);
    case 'text': return new TextTask(await loadSpamCorpus(need()), spec.config, seed);
    case 'retrieval': return new RetrievalTask(await loadSpamCorpus(need()), spec.config, seed);
    case 'image': return new ImageTask(await loadMnistCorpus(need()), spec.config, seed);
  }
}
