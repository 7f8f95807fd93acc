/** Every differentiable op, one import. */
export { add, sub, mul, div, affine, scale, addScalar, neg, scaleColumns } from './elementwise';
export { relu, gelu, exp, log, sqrt, square, abs } from './unary';
export { matmul, type MatmulOptions } from './matmul';
export { sum, mean, sumAll, meanAll, max, maxAll, type ReduceOptions } from './reduce';
export { softmax, crossEntropy } from './softmax';
export { layerNorm } from './layernorm';
export { embedding } from './embedding';
export { reshape, permute, transpose, splitHeads, mergeHeads, slice, concat, broadcastTo } from './shape';
export { segmentMean, depthwiseConv } from './sequence';
export { maskedFill, dropout, dropoutWith, dropoutMask, DropoutStream } from './mask';
export { l2Normalize } from './normalize';
export { full, zeros, eye, tensor, intTensor, arange, uniformValues } from './constants';
export { linear, logSumExp, logSoftmax, nonFiniteFlag } from './composite';
export { fusedAttention, type FusedAttentionOptions } from './attention';
export { lshBuckets, bucketSort, permuteRows } from './lsh';
