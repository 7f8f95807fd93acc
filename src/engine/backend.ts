/**
 * The contract between the engine's ops (src/engine/ops, autograd) and the two backends that
 * run them: the CPU reference (src/engine/cpu, plain TypeScript, the truth) and WebGPU
 * (src/engine/webgpu, WGSL kernels). Every method here is one kernel on WebGPU and one plain
 * loop on the CPU, and the tests compare the two method by method.
 *
 * Rules that keep the training hot path free of stalls and allocations:
 * - Kernels never allocate: the caller passes every output buffer (from the pool).
 * - Kernels never wait: only `read()` waits for the device (and only the caller asks for it).
 * - Kernels with a scalar that changes every step (learning rate, RNG offset) take it as an
 *   argument; the WebGPU backend writes it into a small uniform, not a new buffer.
 * - All buffers are contiguous, row-major. "Float" buffers are f32 on WebGPU; the CPU backend
 *   can run in float64 (`precision: 'f64'`) for finite-difference gradient checks.
 */

export type DType = 'f32' | 'i32';

/** What a buffer holds, for the memory chart (tfjs buffer_manager style accounting). */
export type MemoryCategory = 'weights' | 'gradients' | 'optimizer' | 'activations' | 'scratch';
export const MEMORY_CATEGORIES: readonly MemoryCategory[] = ['weights', 'gradients', 'optimizer', 'activations', 'scratch'];

/** An opaque handle to `size` elements of backend memory. */
export interface Buf {
  readonly id: number;
  readonly size: number;
  readonly dtype: DType;
  readonly category: MemoryCategory;
  readonly label: string;
}

export interface MemoryReport {
  /** Bytes of live buffers, by category. */
  inUse: Record<MemoryCategory, number>;
  /** Bytes held by the pool (live plus released-for-reuse). */
  allocated: number;
  /** Highest total `inUse` since the last `resetPeak()`, and the per-category split at that moment. */
  peak: number;
  peakByCategory: Record<MemoryCategory, number>;
  liveBuffers: number;
}

/** Up to 4 dimensions, outermost first. Shorter shapes are left-padded with 1 by the caller. */
export type Dims4 = readonly [number, number, number, number];

export type BinaryOp = 'add' | 'sub' | 'mul' | 'div';
/** Pointwise maps. `affine` is alpha·x + beta. */
export type UnaryOp = 'affine' | 'relu' | 'gelu' | 'exp' | 'log' | 'sqrt' | 'rsqrt' | 'square' | 'recip' | 'abs';
/** Gradients of the pointwise maps that are not cheaper to compose: dx = dy · f'(x). */
export type UnaryGradOp = 'relu' | 'gelu';
export type ReduceOp = 'sum' | 'max' | 'sumsq' | 'maxabs';

export interface MatmulParams {
  /** Number of independent products. */
  batch: number;
  /** out is m×n; the inner dimension is k. */
  m: number;
  n: number;
  k: number;
  /** A is stored k×m (and read transposed) when true, else m×k. */
  transA: boolean;
  /** B is stored n×k (and read transposed) when true, else k×n. */
  transB: boolean;
  /** Element strides between consecutive batch entries; 0 broadcasts one matrix to all. */
  strideA: number;
  strideB: number;
  /** out = alpha·A·B + (accumulate ? out : 0). */
  alpha: number;
  accumulate: boolean;
}

export interface AdamWParams {
  lr: number;
  beta1: number;
  beta2: number;
  eps: number;
  weightDecay: number;
  /** 1-based step count, for the bias corrections 1−β^t. */
  step: number;
}

/**
 * The largest single buffer a backend can hold, as WebGPU names the two limits (a subset of
 * `GPUSupportedLimits`): one storage binding cannot exceed `maxStorageBufferBindingSize` bytes,
 * one buffer cannot exceed `maxBufferSize` bytes. A model checks its largest buffer against
 * these before it allocates anything.
 */
/**
 * Fused (FlashAttention-2 style) attention over `batch` independent problems, each
 * out = softmax(scale·Q Kᵀ + bias) V with Q [nq, dk], K [nk, dk], V [nk, dv] (contiguous,
 * problem i at offset i·rows·cols), and an additive key bias [batch / heads, nk] shared by the
 * `heads` consecutive problems of one sample (null: none). The nq × nk scores never exist in
 * memory: keys are visited in tiles with a running maximum and sum (online softmax), and only
 * each row's log-sum-exp [batch, nq] is kept for the backward, which recomputes the scores.
 */
export interface AttentionParams {
  batch: number;
  heads: number;
  nq: number;
  nk: number;
  dk: number;
  dv: number;
  scale: number;
}

/** The input gradients `attentionBackward` writes (overwrites); null: not wanted. */
export interface AttentionGradTargets {
  dq: Buf | null;
  dk: Buf | null;
  dv: Buf | null;
}

export interface BufferLimits {
  readonly maxStorageBufferBindingSize: number;
  readonly maxBufferSize: number;
}

export interface Backend {
  readonly kind: 'cpu' | 'webgpu';
  /** For the badge and every reported figure, e.g. "CPU reference (float64)" or "WebGPU · swiftshader (software)". */
  readonly label: string;
  /**
   * The per-buffer size limits of the device, or null when the backend has none to check (the
   * CPU reference: a config too large for memory fails at allocation instead).
   */
  limits(): BufferLimits | null;

  // ---------- memory ----------
  alloc(size: number, dtype: DType, category: MemoryCategory, label: string): Buf;
  /** Return a buffer to the pool. Using it afterwards throws, naming the label. */
  free(b: Buf): void;
  write(b: Buf, data: ArrayLike<number>, elementOffset?: number): void;
  /** The only call that waits for the device. Float buffers come back as Float32Array (Float64Array on a float64 CPU backend). */
  read(b: Buf): Promise<Float32Array | Float64Array | Int32Array>;
  memory(): MemoryReport;
  resetPeak(): void;
  /** Submit recorded work (WebGPU); a no-op on the CPU. */
  flush(): void;
  /**
   * Submit recorded work and resolve when the device has finished all of it (the CPU: at once).
   * Lets a caller time its own work apart from the training steps still queued before it.
   */
  settled(): Promise<void>;
  /** Release every pooled buffer and the device's resources. */
  dispose(): void;

  // ---------- data movement ----------
  fill(out: Buf, value: number): void;
  /** out[b] = scale·I for each of `batch` m×m matrices. */
  eye(out: Buf, batch: number, m: number, scale: number): void;
  /**
   * General strided copy, which serves permute/transpose, head split and merge, slicing,
   * concatenation and broadcast expansion:
   * for every index i of `shape`: dst[dstOffset + Σ i_d·dstStrides_d] (+)= alpha·src[srcOffset + Σ i_d·srcStrides_d].
   */
  copyStrided(
    src: Buf,
    dst: Buf,
    shape: Dims4,
    srcStrides: Dims4,
    srcOffset: number,
    dstStrides: Dims4,
    dstOffset: number,
    alpha: number,
    accumulate: boolean,
  ): void;

  // ---------- arithmetic ----------
  /** out (contiguous, `shape`) = a ∘ b, with a and b read through strides (0 = broadcast). */
  binary(op: BinaryOp, a: Buf, b: Buf, out: Buf, shape: Dims4, aStrides: Dims4, bStrides: Dims4): void;
  /** out = f(x) elementwise; `alpha`, `beta` used by `affine`. out may alias x. */
  unary(op: UnaryOp, x: Buf, out: Buf, alpha?: number, beta?: number): void;
  /** dx (+)= dy · f'(x). */
  unaryGrad(op: UnaryGradOp, x: Buf, dy: Buf, dx: Buf, accumulate: boolean): void;
  /** x viewed as [outer, len, inner]: out[o, i] (+)= alpha · reduce_l x[o, l, i]. */
  reduce(op: ReduceOp, x: Buf, out: Buf, outer: number, len: number, inner: number, alpha: number, accumulate: boolean): void;
  // The gradient of a max reduction, which the Nyström "global" pseudo-inverse init needs (Z0 = Aᵀ / max_j Σ_i |A_ij|, gradients flow through the max).
  // x viewed as [outer, len, inner], y = reduce('max') of x as [outer, inner]:
  // dx[o, l, i] (+)= (x[o, l, i] == y[o, i]) ? dy[o, i] / ties(o, i) : 0 — torch.amax semantics
  // (ties share the gradient evenly). No compare/select kernel exists to compose it from.
  reduceMaxBackward(x: Buf, y: Buf, dy: Buf, dx: Buf, outer: number, len: number, inner: number, accumulate: boolean): void;
  matmul(a: Buf, b: Buf, out: Buf, p: MatmulParams): void;

  // ---------- neural-network kernels ----------
  /** Row softmax of x [rows, cols] into out. */
  softmax(x: Buf, out: Buf, rows: number, cols: number): void;
  /** dx (+)= y ⊙ (dy − Σ_j dy_j y_j) per row. */
  softmaxBackward(y: Buf, dy: Buf, dx: Buf, rows: number, cols: number, accumulate: boolean): void;
  /**
   * Fused log-softmax + negative log-likelihood. lossRows[r] = −log softmax(logits_r)[label_r];
   * dlogits = (softmax − onehot) · gradScale (pass gradScale = 1/rows for a mean loss).
   * Labels are i32; a label outside [0, classes) is a caller error.
   */
  crossEntropy(logits: Buf, labels: Buf, lossRows: Buf, dlogits: Buf | null, rows: number, classes: number, gradScale: number): void;
  /** LayerNorm over the last axis; saves mean and rstd (both [rows]) for the backward. */
  layerNorm(x: Buf, gamma: Buf, beta: Buf, out: Buf, mean: Buf, rstd: Buf, rows: number, cols: number, eps: number): void;
  /** dx (+)=, dgamma +=, dbeta += (gradients of the parameters always accumulate). */
  layerNormBackward(
    x: Buf,
    gamma: Buf,
    mean: Buf,
    rstd: Buf,
    dy: Buf,
    dx: Buf,
    dgamma: Buf,
    dbeta: Buf,
    rows: number,
    cols: number,
    accumulateDx: boolean,
  ): void;
  /** out[i, :] = table[ids[i], :]. ids are i32 in [0, vocab). */
  gather(table: Buf, ids: Buf, out: Buf, count: number, dim: number): void;
  /** dtable[ids[i], :] += dy[i, :] (embedding backward; rows that repeat accumulate). */
  scatterAdd(ids: Buf, dy: Buf, dtable: Buf, count: number, dim: number): void;
  /**
   * Depthwise 1-D convolution along the sequence, one kernel of length k per head shared by
   * that head's channels, zero padding k//2, no bias: x, out [BH, n, d], w [H, k];
   * head of row-block b is b % H.
   */
  dconv(x: Buf, w: Buf, out: Buf, bh: number, heads: number, n: number, d: number, k: number): void;
  dconvBackward(x: Buf, w: Buf, dy: Buf, dx: Buf | null, dw: Buf | null, bh: number, heads: number, n: number, d: number, k: number): void;

  /** Fused attention forward (see `AttentionParams`): writes out [batch, nq, dv] and lse [batch, nq]. */
  attention(q: Buf, k: Buf, v: Buf, bias: Buf | null, out: Buf, lse: Buf, p: AttentionParams): void;
  /**
   * Its backward from the saved lse, recomputing the scores tile by tile: with D = rowsum(dO ∘ O),
   * P = exp(scale·QKᵀ + bias − lse), dV = Pᵀ dO, dS = P ∘ (dO Vᵀ − D), dQ = scale·dS K, dK = scale·dSᵀ Q.
   */
  attentionBackward(
    q: Buf,
    k: Buf,
    v: Buf,
    bias: Buf | null,
    out: Buf,
    lse: Buf,
    dout: Buf,
    g: AttentionGradTargets,
    p: AttentionParams,
  ): void;

  // ---------- Reformer's LSH (no gradient: they choose which keys a query meets) ----------
  /**
   * Angular LSH over rotated [batch·heads, n, rounds·half] (each token's x·R): buckets i32
   * [batch·heads, rounds, n] = argmax_j of [x_r, −x_r] over round r's 2·half entries (the first
   * maximum on ties), or 2·half (a bucket of its own, sorted last) where mask [batch, n] is 0.
   */
  lshHash(rotated: Buf, mask: Buf, buckets: Buf, batch: number, heads: number, n: number, rounds: number, half: number): void;
  /**
   * Stable sort of each row of buckets i32 [rows, n] (values in [0, numBuckets)) by (bucket,
   * position): sorted[row·n + s] = row·n + t for the token t in slot s, undo[row·n + t] = row·n + s.
   * Both i32 rows of the flattened [rows·n] table, each the other's inverse permutation.
   */
  bucketSort(buckets: Buf, sorted: Buf, undo: Buf, rows: number, n: number, numBuckets: number): void;

  // ---------- randomness ----------
  /**
   * Dropout keep-mask from a counter-based generator: out[i] = keep ? scale : 0 with
   * P(keep) = 1 − p, where the draw for element i depends only on (seed, offset + i), so the
   * CPU and WebGPU backends produce the same mask for the same seed and offset.
   */
  dropoutMask(out: Buf, seed: number, offset: number, p: number, scale: number): void;

  // ---------- optimizer ----------
  /** out[0] (+)= Σ x² (for the global gradient norm; accumulate across tensors). */
  sumSquares(x: Buf, out: Buf, accumulate: boolean): void;
  /** out[0] = min(1, maxNorm / (sqrt(sumSq[0]) + 1e-6)); maxNorm ≤ 0 means "no clipping" (out = 1). */
  clipCoefficient(sumSq: Buf, out: Buf, maxNorm: number): void;
  /**
   * One AdamW step in PyTorch semantics (decoupled weight decay, bias-corrected moments):
   * g = grad·gradScale[0]; p −= lr·wd·p; m = β1 m + (1−β1) g; v = β2 v + (1−β2) g²;
   * p −= lr · (m / (1−β1^t)) / (sqrt(v / (1−β2^t)) + eps).
   */
  adamw(param: Buf, grad: Buf, m: Buf, v: Buf, gradScale: Buf | null, p: AdamWParams): void;
  /** out[0] = 1 if any element of x is NaN or ±Inf, else leaves out unchanged (start it at 0). */
  checkFinite(x: Buf, out: Buf): void;
}

/** Pad a shape to 4 dimensions (outermost first). */
export function dims4(shape: readonly number[]): Dims4 {
  if (shape.length > 4) throw new Error(`shape [${shape.join(', ')}] has ${shape.length} dimensions; kernels take at most 4`);
  const s = [1, 1, 1, 1];
  for (let i = 0; i < shape.length; i++) s[4 - shape.length + i] = shape[i];
  return s as unknown as Dims4;
}

/** Contiguous row-major strides of a 4-D shape. */
export function contiguousStrides(shape: Dims4): Dims4 {
  return [shape[1] * shape[2] * shape[3], shape[2] * shape[3], shape[3], 1];
}

export function numel(shape: readonly number[]): number {
  let n = 1;
  for (const s of shape) n *= s;
  return n;
}
