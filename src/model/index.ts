/** The models: `buildModel` (softmax, Nyströmformer, Proxyformer, Linformer, Performer, linear attention in the LRA encoder), their views and types. See README.md. */
export { buildModel, type BuildOptions, type Model } from './model';
export { ModelConfigError, checkModelConfig } from './validate';
export {
  computeViews,
  cosineSimilarity,
  approximationError,
  EXACT_VIEW_MAX_N,
  type HeadViews,
  type Matrix,
  type ModelViews,
} from './views';
export { maskNames } from './dropout';
export type { ForwardOptions, ForwardResult, ModelBatch } from './types';
export { orthogonalGaussianFeatures, redrawSeed } from './attention/performerFeatures';
