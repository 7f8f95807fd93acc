/**
 * From the run config (one schema) to the data layer's task spec: the ListOps window and depth,
 * the Pathfinder difficulty, the image size and the sequence length come from the config; split
 * sizes for the generated tasks follow the evaluation protocol (the validation split is exactly
 * what `evalSteps` batches read, the test split `testSize` examples or else the same size, as LRA's
 * 2000/2000 for ListOps).
 */
import type { RunConfig } from '../config';
import { createTask, type TaskSource, type TaskSourceSpec } from '../data';
import type { FetchBytes } from '../data/corpora/load';
import { lraPathfinderRules } from '../data/pathfinder/generate';
import { PATHFINDER_DIFFICULTY } from '../data/pathfinder/task';
import { userDataTask, type DatasetSource } from './userDataTask';

/** LRA's training-set sizes; generated tasks draw training examples on demand within them. */
const TRAIN_SIZE = { listops: 96_000, pathfinder: 160_000 } as const;

/** Validation and test sizes of a generated task: what the evaluation reads, at least one batch. */
function evalSplitSize(config: RunConfig): number {
  return Math.max(config.batchSize, config.evalSteps * config.batchSize);
}

/**
 * How many examples the final test evaluation reads, known from the config for the generated
 * tasks (ListOps, Pathfinder); null for corpus and user tasks, whose test split is their file's.
 */
export function generatedTestSize(config: RunConfig): number | null {
  if (config.task !== 'listops' && config.task !== 'pathfinder') return null;
  return config.testSize > 0 ? config.testSize : evalSplitSize(config);
}

/** The data layer's spec of an LRA task (a `custom` task is loaded by `taskFor` from a dataset source). */
function taskSourceSpecFor(config: RunConfig): TaskSourceSpec {
  const evalSize = evalSplitSize(config);
  const testSize = config.testSize > 0 ? config.testSize : evalSize;
  switch (config.task) {
    case 'listops':
      return {
        task: 'listops',
        config: {
          rules: {
            minLength: config.listopsMinLen,
            maxLength: config.listopsMaxLen,
            maxDepth: config.listopsMaxDepth,
            maxArgs: config.listopsMaxArgs,
          },
          sizes: { train: TRAIN_SIZE.listops, validation: evalSize, test: testSize },
          seqLen: config.seqLen,
        },
      };
    case 'pathfinder':
      return {
        task: 'pathfinder',
        config: {
          rules: lraPathfinderRules(PATHFINDER_DIFFICULTY[config.pathfinderDifficulty]),
          sizes: { train: TRAIN_SIZE.pathfinder, validation: evalSize, test: testSize },
        },
      };
    case 'text':
      return { task: 'text', config: { seqLen: config.seqLen } };
    case 'retrieval':
      return { task: 'retrieval', config: { seqLen: config.seqLen } };
    case 'image':
      return { task: 'image', config: { seqLen: config.seqLen, imageSize: config.imageSize as 28 | 14 | 7 } };
    case 'custom':
      throw new Error('task custom is a prepared dataset, not an LRA task: load it with taskFor(config, fetchBytes, datasets)');
  }
}

/**
 * Make the task of a run; corpus tasks need `fetchBytes` (the app's own /data/ files, or
 * public/data in Node), a `custom` task the dataset store that holds its `dataId`.
 */
export function taskFor(config: RunConfig, fetchBytes?: FetchBytes, datasets?: DatasetSource): Promise<TaskSource> {
  if (config.task === 'custom') return userDataTask(config, datasets);
  return createTask(taskSourceSpecFor(config), config.dataSeed, { fetchBytes });
}
