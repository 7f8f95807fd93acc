/**
 * The registry of WGSL kernels: which module text each entry point lives in (with the shared
 * snippets it includes) and the storage bindings it takes, in order, after the uniform at
 * binding 0. The backend builds explicit pipeline layouts from this table, so every dispatch
 * uses one uniform buffer with a dynamic offset.
 */
import fillWgsl from './kernels/fill.wgsl?raw';
import eyeWgsl from './kernels/eye.wgsl?raw';
import copyStridedWgsl from './kernels/copyStrided.wgsl?raw';
import binaryWgsl from './kernels/binary.wgsl?raw';
import geluWgsl from './kernels/gelu.wgsl?raw';
import unaryWgsl from './kernels/unary.wgsl?raw';
import unaryGradWgsl from './kernels/unaryGrad.wgsl?raw';
import reduceWgsl from './kernels/reduce.wgsl?raw';
import matmulWgsl from './kernels/matmul.wgsl?raw';
import specialWgsl from './kernels/special.wgsl?raw';
import workgroupReduceWgsl from './kernels/workgroupReduce.wgsl?raw';
import softmaxWgsl from './kernels/softmax.wgsl?raw';
import crossEntropyWgsl from './kernels/crossEntropy.wgsl?raw';
import layerNormWgsl from './kernels/layerNorm.wgsl?raw';
import embeddingWgsl from './kernels/embedding.wgsl?raw';
import dconvWgsl from './kernels/dconv.wgsl?raw';
import randomWgsl from './kernels/random.wgsl?raw';
import dropoutWgsl from './kernels/dropout.wgsl?raw';
import optimizerWgsl from './kernels/optimizer.wgsl?raw';

/** 'r' = read-only storage, 'w' = read-write storage. */
export type Access = 'r' | 'w';

export interface KernelDef {
  module: ModuleName;
  entry: string;
  bindings: readonly Access[];
  /** `module.entry`: the pipeline cache's key when no constants are set. */
  id: string;
  /** The bindings as one string ('rrw'): the bind-group layout's key. */
  signature: string;
}

/** Module texts, with the snippets they include prepended. */
export const MODULES = {
  fill: fillWgsl,
  eye: eyeWgsl,
  copyStrided: copyStridedWgsl,
  binary: binaryWgsl,
  unary: geluWgsl + '\n' + unaryWgsl,
  unaryGrad: geluWgsl + '\n' + unaryGradWgsl,
  reduce: specialWgsl + '\n' + reduceWgsl,
  matmul: matmulWgsl,
  softmax: specialWgsl + '\n' + workgroupReduceWgsl + '\n' + softmaxWgsl,
  crossEntropy: specialWgsl + '\n' + workgroupReduceWgsl + '\n' + crossEntropyWgsl,
  layerNorm: workgroupReduceWgsl + '\n' + layerNormWgsl,
  embedding: specialWgsl + '\n' + embeddingWgsl,
  dconv: workgroupReduceWgsl + '\n' + dconvWgsl,
  dropout: randomWgsl + '\n' + dropoutWgsl,
  optimizer: workgroupReduceWgsl + '\n' + optimizerWgsl,
} as const;

export type ModuleName = keyof typeof MODULES;

const k = (module: ModuleName, entry: string, bindings: string): KernelDef => ({ module, entry, bindings: bindings.split('') as Access[], id: `${module}.${entry}`, signature: bindings });

/** Every entry point the backend dispatches. */
export const KERNELS = {
  fill: k('fill', 'fill', 'w'),
  eye: k('eye', 'eye', 'w'),
  copyStrided: k('copyStrided', 'copy_strided', 'rw'),
  binary: k('binary', 'binary', 'rrw'),
  unary: k('unary', 'unary', 'rw'),
  unaryInplace: k('unary', 'unary_inplace', 'w'),
  unaryGrad: k('unaryGrad', 'unary_grad', 'rrw'),
  reduceLanes: k('reduce', 'reduce_lanes', 'rw'),
  reduceRows: k('reduce', 'reduce_rows', 'rw'),
  reducePartial: k('reduce', 'reduce_partial', 'rw'),
  reducePartialSerial: k('reduce', 'reduce_partial_serial', 'rw'),
  reduceMaxBackward: k('reduce', 'reduce_max_backward', 'rrrw'),
  matmulNaive: k('matmul', 'matmul_naive', 'rrw'),
  matmulReg4: k('matmul', 'matmul_reg4', 'rrw'),
  matmulTiled: k('matmul', 'matmul_tiled', 'rrw'),
  softmax: k('softmax', 'softmax', 'rw'),
  softmaxBackward: k('softmax', 'softmax_backward', 'rrw'),
  softmaxSerial: k('softmax', 'softmax_serial', 'rw'),
  softmaxBackwardSerial: k('softmax', 'softmax_backward_serial', 'rrw'),
  ceLoss: k('crossEntropy', 'ce_loss', 'rrw'),
  ceGrad: k('crossEntropy', 'ce_grad', 'rrww'),
  layerNorm: k('layerNorm', 'ln_forward', 'rrrwww'),
  layerNormDx: k('layerNorm', 'ln_backward_dx', 'rrrrrw'),
  layerNormSerial: k('layerNorm', 'ln_forward_serial', 'rrrwww'),
  layerNormDxSerial: k('layerNorm', 'ln_backward_dx_serial', 'rrrrrw'),
  layerNormParamsPartial: k('layerNorm', 'ln_params_partial', 'rrrrw'),
  layerNormParamsPartialSerial: k('layerNorm', 'ln_params_partial_serial', 'rrrrw'),
  layerNormParamsFinish: k('layerNorm', 'ln_params_finish', 'rww'),
  gather: k('embedding', 'gather', 'rrw'),
  scatterAdd: k('embedding', 'scatter_add', 'rrw'),
  scatterAddChunks: k('embedding', 'scatter_add_chunks', 'rrw'),
  dconv: k('dconv', 'dconv_forward', 'rrw'),
  dconvDx: k('dconv', 'dconv_dx', 'rrrw'),
  dconvDwPartial: k('dconv', 'dconv_dw_partial', 'rrrw'),
  dconvDwPartialSerial: k('dconv', 'dconv_dw_partial_serial', 'rrrw'),
  dropoutMask: k('dropout', 'dropout_mask', 'w'),
  sumSquares: k('optimizer', 'sum_squares', 'rw'),
  sumSquaresPartial: k('optimizer', 'sum_squares_partial', 'rw'),
  clipCoefficient: k('optimizer', 'clip_coefficient', 'rw'),
  adamw: k('optimizer', 'adamw', 'wrww'),
  adamwScaled: k('optimizer', 'adamw_scaled', 'wrwwr'),
  checkFinite: k('optimizer', 'check_finite', 'rw'),
} as const satisfies Record<string, KernelDef>;

export type KernelName = keyof typeof KERNELS;
