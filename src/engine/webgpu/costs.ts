/**
 * Work per dispatch, for the share-of-peak figures (docs/kernels.md "Share of peak"): one
 * function per kernel family gives the flops and the bytes a dispatch must move, from its
 * uniforms and grid. Conventions: an add, multiply, compare or exp counts as one flop, an FMA as
 * two; bytes are the least traffic the result needs — every input element read once, every
 * output written once (and read too when it accumulates). These are the useful work, not what
 * a kernel happens to do, so a kernel that rereads its inputs shows a lower rate. A kernel
 * without a cost function gets null and is shown as not counted, never as zero.
 */
export interface KernelCost {
  flops: number;
  bytes: number;
}

type Values = Record<string, number>;
type CostFn = (entry: string, v: Values, grid: readonly number[]) => KernelCost | null;

const F32 = 4;
const cost = (flops: number, bytes: number): KernelCost => ({ flops, bytes });

/** The cost functions, by shader name. */
const FAMILIES: Record<string, CostFn> = {
  matmul: (_e, v, grid) => {
    const nb = grid[2] ?? 1;
    return cost(2 * v.m * v.n * v.k * nb, F32 * nb * (v.m * v.k + v.k * v.n + v.m * v.n * (1 + (v.acc ? 1 : 0))));
  },
  softmax: (e, v) => {
    const n = v.rows * v.cols;
    if (e.startsWith('softmax_backward')) return cost(4 * n, F32 * n * (3 + (v.acc ? 1 : 0)));
    return cost(5 * n, F32 * 2 * n);
  },
  crossEntropy: (e, v) => {
    const n = v.rows * v.classes;
    return e === 'ce_grad' ? cost(7 * n, F32 * (2 * n + 2 * v.rows)) : cost(4 * n, F32 * (n + 2 * v.rows));
  },
  layerNorm: (e, v) => {
    const n = v.rows * v.cols;
    if (e.startsWith('ln_forward')) return cost(8 * n, F32 * (2 * n + 2 * v.cols + 2 * v.rows));
    if (e.startsWith('ln_backward_dx')) return cost(10 * n, F32 * ((3 + (v.acc ? 1 : 0)) * n + v.cols + 2 * v.rows));
    if (e.startsWith('ln_params_partial')) return cost(4 * n, F32 * (2 * n + 2 * v.rows));
    return null;
  },
  reduce: (e, v) => {
    const n = v.outer * v.len * v.inner;
    const outs = v.outer * v.inner;
    if (e === 'reduce_max_backward') return cost(n, F32 * ((2 + (v.acc ? 1 : 0)) * n + 2 * outs));
    if (e.startsWith('reduce_partial')) return cost(n, F32 * (n + outs * Math.ceil(v.len / v.chunk)));
    return cost(n, F32 * (n + outs * (1 + (v.acc ? 1 : 0))));
  },
  unary: (_e, v) => cost(v.n, F32 * 2 * v.n),
  unaryGrad: (_e, v) => cost(2 * v.n, F32 * (3 + (v.acc ? 1 : 0)) * v.n),
  binary: (_e, v) => cost(v.total, F32 * 3 * v.total),
  fill: (_e, v) => cost(0, F32 * v.n),
  eye: (_e, v) => cost(0, F32 * v.n),
  copyStrided: (_e, v) => cost(v.total, F32 * (2 + (v.acc ? 1 : 0)) * v.total),
  dropout: (_e, v) => cost(0, F32 * v.n),
  embedding: (e, v) =>
    e === 'gather' ? cost(0, F32 * (2 * v.count * v.dim + v.count)) : cost(v.count * v.dim, F32 * (3 * v.count * v.dim + v.count)),
  dconv: (e, v) => {
    const n = v.bh * v.n * v.d;
    return e === 'dconv_forward' || e === 'dconv_dx' ? cost(2 * n * v.k, F32 * (2 * n + v.heads * v.k)) : cost(2 * n * v.k, F32 * 2 * n);
  },
  attention: (e, v) => {
    const pairs = v.batch * v.nq * v.nk;
    const io = v.batch * (v.nq * v.dk + v.nk * v.dk + v.nk * v.dv + v.nq * v.dv + v.nq);
    return cost(pairs * (2 * v.dk + 2 * v.dv + 5), F32 * (e === 'attention_forward' ? io : io + v.batch * v.nq * v.dv));
  },
  // A Linear's fused forward: the product's FMAs and one bias add per output.
  linear: (_e, v) => cost(2 * v.rows * v.n * v.k + v.rows * v.n, F32 * (v.rows * v.k + v.n * v.k + v.n + v.rows * v.n)),
  columnSums: (_e, v) => cost(v.rows * v.cols, F32 * (v.rows * v.cols + v.cols * (1 + (v.acc ? 1 : 0)))),
  pinvInit: (e, v) => {
    const n = v.batch * v.m * v.m;
    const aux = v.batch * (v.m + 2);
    // Forward: |a| and a column-sum add per element, then a division; backward: about six per element.
    if (e === 'pinv_init_backward') return cost(6 * n, F32 * ((4 + (v.acc ? 1 : 0)) * n + aux));
    return cost(3 * n, F32 * (2 * n + aux));
  },
  optimizer: (e, v) => {
    if (e.startsWith('adamw')) return cost(14 * v.n, F32 * 7 * v.n);
    if (e.startsWith('sum_squares')) return cost(2 * v.n, F32 * v.n);
    if (e === 'check_finite') return cost(v.n, F32 * v.n);
    return null;
  },
};

// The subgroup variants do the same work as the kernels they stand in for.
FAMILIES.softmaxSubgroup = FAMILIES.softmax;
FAMILIES.crossEntropySubgroup = FAMILIES.crossEntropy;
FAMILIES.reduceSubgroup = FAMILIES.reduce;

/** Flops and bytes of one dispatch of `shaderName.entry` with uniforms `values` over `grid`, or null when not counted. */
export function kernelCost(shaderName: string, entry: string, values: object, grid: readonly number[]): KernelCost | null {
  const fn = FAMILIES[shaderName];
  if (!fn) return null;
  const v = values as Values;
  const c = fn(entry, v, grid);
  return c && Number.isFinite(c.flops) && Number.isFinite(c.bytes) ? c : null;
}

/** Achieved rates and share of the probed peak: the larger share names what bounds the kernel. */
export function shareOfPeak(
  flops: number,
  bytes: number,
  ms: number,
  peak: { gflops: number; gbps: number },
): { gflops: number; gbps: number; share: number; bound: 'compute' | 'memory' } {
  const gflops = flops / (ms * 1e6);
  const gbps = bytes / (ms * 1e6);
  const compute = gflops / peak.gflops;
  const memory = gbps / peak.gbps;
  return { gflops, gbps, share: Math.max(compute, memory), bound: compute >= memory ? 'compute' : 'memory' };
}
