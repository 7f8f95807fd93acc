/** The engine's public API: tensors, autograd, ops, parameters, optimizers and backends. See API.md. */
export * from './backend';
export { Tensor, scope, keep, type TensorOptions } from './tensor';
export { backward, noGrad, isGradEnabled, zeroGrad, record, willRecord, type GradSink, type TapeNode } from './autograd';
export { fusionEnabled, withoutFusion } from './fusion';
export { ParameterStore, type ParameterScope } from './parameters';
export * as ops from './ops/index';
export * from './ops/index';
export { CpuBackend, type CpuPrecision } from './cpu/backend';
export * from './optim/index';
