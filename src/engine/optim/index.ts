/** Optimizers: AdamW, global-norm clipping, the one-cycle schedule. */
export { AdamW, type AdamWOptions, type StepOverrides } from './adamw';
export { GradClipper } from './clip';
export { OneCycleLR, type OneCycleOptions } from './oneCycle';
