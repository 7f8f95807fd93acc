/** Run bundles: write, and read with full validation. */
export { writeBundle, type RunBundle, type WriteOptions } from './write';
export { importRun, readBundle, readWeightsFile, type ImportedRun, type ReadOptions } from './read';
export type { OptimizerState } from './optimizer';
export * from './names';
