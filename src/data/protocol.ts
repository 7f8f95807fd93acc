/**
 * Messages between the app and the data worker (worker.ts), and the pure handler the worker
 * runs, so that tests exercise it without a Worker. The worker builds a generated task's
 * evaluation splits in the background with progress, posts them (the app then makes the task
 * with createListOpsTask / createPathfinderTask and the pools, without regenerating), and can
 * generate train batches ahead of the training loop.
 */

import { buildListOpsPools, createListOpsTask, type ListOpsConfig } from './listops/task';
import { buildPathfinderPools, createPathfinderTask, type PathfinderConfig } from './pathfinder/task';
import type { EvalPools, SyntheticTask } from './synthetic';
import type { Batch, Split } from './task';

export type GeneratedSourceSpec =
  | { task: 'listops'; config: ListOpsConfig; seed: number }
  | { task: 'pathfinder'; config: PathfinderConfig; seed: number };

export type DataRequest =
  | ({ type: 'prepare'; id: number } & GeneratedSourceSpec)
  | ({ type: 'batches'; id: number; split: Split; from: number; count: number; batchSize: number } & GeneratedSourceSpec);

export type DataMessage =
  | { type: 'progress'; id: number; split: Split; done: number; total: number }
  | { type: 'pools'; id: number; pools: EvalPools; ms: number }
  | { type: 'batch'; id: number; index: number; batch: Batch }
  | { type: 'done'; id: number }
  | { type: 'error'; id: number; message: string };

export type Post = (msg: DataMessage, transfer: ArrayBuffer[]) => void;

const specKey = (s: GeneratedSourceSpec) => JSON.stringify([s.task, s.config, s.seed]);

/** Worker state: the tasks prepared so far, by spec. */
export type TaskCache = Map<string, SyntheticTask>;

function poolBuffers(p: EvalPools): ArrayBuffer[] {
  return [p.validation, p.test].flatMap((s) => [s.tokens.buffer, s.offsets.buffer, s.labels.buffer] as ArrayBuffer[]);
}

function batchBuffers(b: Batch): ArrayBuffer[] {
  return [b.tokens, b.mask, b.labels, b.tokens2, b.mask2].filter((x) => x !== undefined).map((x) => x!.buffer as ArrayBuffer);
}

/** Handles one request, posting progress, results, then `done` (or `error`). */
export function handleDataRequest(req: DataRequest, post: Post, cache: TaskCache): void {
  try {
    if (req.type === 'prepare') {
      const t0 = performance.now();
      const onProgress = (split: Split, done: number, total: number) => post({ type: 'progress', id: req.id, split, done, total }, []);
      const pools = req.task === 'listops' ? buildListOpsPools(req.config, req.seed, onProgress) : buildPathfinderPools(req.config, req.seed, onProgress);
      // Keep a copy for this worker's own batches; the posted buffers are transferred away.
      const mine = structuredClone(pools);
      cache.set(specKey(req), req.task === 'listops' ? createListOpsTask(req.config, req.seed, mine) : createPathfinderTask(req.config, req.seed, mine));
      post({ type: 'pools', id: req.id, pools, ms: performance.now() - t0 }, poolBuffers(pools));
    } else {
      const task = cache.get(specKey(req));
      if (!task) throw new Error(`batches requested for a ${req.task} task (seed ${req.seed}) that this worker has not prepared; send a 'prepare' request with the same task, config and seed first`);
      for (let k = 0; k < req.count; k++) {
        const batch = task.batch(req.split, req.from + k, req.batchSize);
        post({ type: 'batch', id: req.id, index: req.from + k, batch }, batchBuffers(batch));
      }
    }
    post({ type: 'done', id: req.id }, []);
  } catch (e) {
    post({ type: 'error', id: req.id, message: (e as Error).message }, []);
  }
}
