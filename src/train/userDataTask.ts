/**
 * A `custom` run's task: the prepared dataset named by `dataId`, from a store (IndexedDB in
 * the page, the file beside the run on the command line), checked against what the config
 * recorded (its id is the file's SHA-256 prefix; kind, classes and split sizes must agree),
 * so a link or a bundle never silently trains or evaluates on other data.
 */
import type { RunConfig } from '../config';
import { datasetId, decodeDataset, UserDataTask } from '../data/userData';

/** Where prepared dataset files are found by id. */
export interface DatasetSource {
  /** The file bytes of a dataset, or undefined when this store does not hold it. */
  get(id: string): Promise<Uint8Array | undefined>;
}

/** Thrown when the dataset a config names is not in the store: the page offers the import. */
export class MissingDatasetError extends Error {
  constructor(
    readonly dataId: string,
    readonly dataName: string,
  ) {
    super(
      `dataset ${dataName ? `"${dataName}" ` : ''}(${dataId}) is not stored here: import its file in the Your data panel (or pass --data FILE), then start again.`,
    );
    this.name = 'MissingDatasetError';
  }
}

export async function userDataTask(config: RunConfig, datasets?: DatasetSource): Promise<UserDataTask> {
  if (config.dataId === '') throw new Error('task custom needs dataId: choose a dataset in the Your data panel (or --data FILE).');
  const file = datasets ? await datasets.get(config.dataId) : undefined;
  if (!file) throw new MissingDatasetError(config.dataId, config.dataName);
  const id = await datasetId(file);
  if (id !== config.dataId)
    throw new Error(`the stored file for dataset ${config.dataId} hashes to ${id}: it was changed; import the dataset again.`);
  const data = decodeDataset(file, `dataset ${config.dataName || id}`);
  const h = data.header;
  const problems: string[] = [];
  if (h.kind !== config.dataKind) problems.push(`it holds ${h.kind}, the config says dataKind ${config.dataKind}`);
  if (h.classes.length !== config.numClasses)
    problems.push(`it has ${h.classes.length} classes, the config says numClasses ${config.numClasses}`);
  const sizes = [h.sizes.train, h.sizes.validation, h.sizes.test].join('/');
  const recorded = [config.dataTrain, config.dataValidation, config.dataTest].join('/');
  if (sizes !== recorded) problems.push(`its train/validation/test sizes are ${sizes}, the config recorded ${recorded}`);
  if (problems.length > 0)
    throw new Error(`dataset ${h.name} (${id}) does not match the run config: ${problems.join('; ')}. "Use this dataset" sets these keys.`);
  return new UserDataTask(data, config.seqLen, config.dataSeed, id);
}

/** The config keys that name a prepared dataset (what "Use this dataset" and --data set). */
export function datasetKeys(id: string, file: Uint8Array): Partial<RunConfig> {
  const h = decodeDataset(file).header;
  return {
    task: 'custom',
    dataId: id,
    dataName: h.name,
    dataKind: h.kind,
    dataTrain: h.sizes.train,
    dataValidation: h.sizes.validation,
    dataTest: h.sizes.test,
    numClasses: h.classes.length,
    twoTower: h.kind === 'pairs',
    vocabSize: 257,
  };
}
