/**
 * The CPU reference backend: every `Backend` kernel as a plain loop (./kernels, ./nn, ./optim).
 * `precision: 'f64'` stores floats in Float64Array for finite-difference gradient checks;
 * `'f32'` stores them in Float32Array, so every kernel output is rounded to f32 as on the GPU.
 * Work runs at call time, so `flush()` has nothing to do and `read()` resolves at once.
 */
import type {
  AdamWParams,
  AttentionGradTargets,
  AttentionParams,
  Backend,
  BinaryOp,
  Buf,
  DType,
  Dims4,
  MatmulParams,
  MemoryCategory,
  MemoryReport,
  ReduceOp,
  UnaryGradOp,
  UnaryOp,
} from '../backend';
import { CpuPool, type CpuArray } from './pool';
import * as K from './kernels';
import * as NN from './nn';
import * as OPT from './optim';
import * as ATT from './attention';
import * as LSH from './lsh';

export type CpuPrecision = 'f32' | 'f64';

function span(shape: Dims4, strides: Dims4, offset: number): number {
  let last = offset;
  for (let d = 0; d < 4; d++) last += (shape[d] - 1) * strides[d];
  return last + 1;
}

export class CpuBackend implements Backend {
  readonly kind = 'cpu' as const;
  readonly label: string;
  private readonly pool: CpuPool;

  constructor(readonly precision: CpuPrecision = 'f32') {
    if (precision !== 'f32' && precision !== 'f64') throw new Error(`CpuBackend: precision ${String(precision)} is not one of f32, f64`);
    this.pool = new CpuPool(precision);
    this.label = `CPU reference (${precision === 'f64' ? 'float64' : 'float32'})`;
  }

  /** The live array behind `b`, checked to hold at least `min` elements of `dtype`. */
  private arr(b: Buf, op: string, min = 0, dtype: DType = 'f32'): CpuArray {
    const a = this.pool.get(b, op);
    if (b.dtype !== dtype) throw new Error(`${op}: buffer "${b.label}" is ${b.dtype}, expected ${dtype}`);
    if (a.length < min) throw new Error(`${op}: buffer "${b.label}" holds ${a.length} elements, needs ${min}`);
    return a;
  }

  /** No device limits: the CPU reference checks no buffer size up front (a config too large fails at allocation). */
  limits(): null {
    return null;
  }

  // ---------- memory ----------
  alloc(size: number, dtype: DType, category: MemoryCategory, label: string): Buf {
    return this.pool.alloc(size, dtype, category, label);
  }
  free(b: Buf): void {
    this.pool.free(b);
  }
  write(b: Buf, data: ArrayLike<number>, elementOffset = 0): void {
    const a = this.pool.get(b, 'write');
    if (elementOffset < 0 || elementOffset + data.length > a.length)
      throw new Error(`write: ${data.length} elements at offset ${elementOffset} do not fit buffer "${b.label}" of ${a.length}`);
    if (b.dtype === 'i32')
      for (let i = 0; i < data.length; i++)
        if (!Number.isInteger(data[i])) throw new Error(`write: buffer "${b.label}" is i32 but element ${i} is ${data[i]}`);
    for (let i = 0; i < data.length; i++) a[elementOffset + i] = data[i];
  }
  read(b: Buf): Promise<Float32Array | Float64Array | Int32Array> {
    return Promise.resolve(this.pool.get(b, 'read').slice());
  }
  /** Synchronous read, for tests and the CPU-only paths (the WebGPU backend has no such thing). */
  readSync(b: Buf): Float32Array | Float64Array | Int32Array {
    return this.pool.get(b, 'readSync').slice();
  }
  memory(): MemoryReport {
    return this.pool.report();
  }
  resetPeak(): void {
    this.pool.resetPeak();
  }
  flush(): void {}

  async settled(): Promise<void> {}
  dispose(): void {
    this.pool.dispose();
  }

  // ---------- data movement ----------
  fill(out: Buf, value: number): void {
    this.pool.get(out, 'fill').fill(value);
  }
  eye(out: Buf, batch: number, m: number, scale: number): void {
    K.eye(this.arr(out, 'eye', batch * m * m), batch, m, scale);
  }
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
  ): void {
    const s = this.pool.get(src, 'copyStrided');
    const d = this.pool.get(dst, 'copyStrided');
    if (src.dtype !== dst.dtype) throw new Error(`copyStrided: "${src.label}" is ${src.dtype} but "${dst.label}" is ${dst.dtype}`);
    if (span(shape, srcStrides, srcOffset) > s.length)
      throw new Error(
        `copyStrided: source "${src.label}" (${s.length} elements) is too small for shape [${shape}] strides [${srcStrides}] offset ${srcOffset}`,
      );
    if (span(shape, dstStrides, dstOffset) > d.length)
      throw new Error(
        `copyStrided: destination "${dst.label}" (${d.length} elements) is too small for shape [${shape}] strides [${dstStrides}] offset ${dstOffset}`,
      );
    K.copyStrided(s, d, shape, srcStrides, srcOffset, dstStrides, dstOffset, alpha, accumulate);
  }

  // ---------- arithmetic ----------
  binary(op: BinaryOp, a: Buf, b: Buf, out: Buf, shape: Dims4, aStrides: Dims4, bStrides: Dims4): void {
    const n = shape[0] * shape[1] * shape[2] * shape[3];
    const o = this.arr(out, `binary ${op}`, n);
    K.binary(
      op,
      this.arr(a, `binary ${op}`, span(shape, aStrides, 0)),
      this.arr(b, `binary ${op}`, span(shape, bStrides, 0)),
      o,
      shape,
      aStrides,
      bStrides,
    );
  }
  unary(op: UnaryOp, x: Buf, out: Buf, alpha = 1, beta = 0): void {
    const o = this.arr(out, `unary ${op}`);
    K.unary(op, this.arr(x, `unary ${op}`, o.length), o, alpha, beta);
  }
  unaryGrad(op: UnaryGradOp, x: Buf, dy: Buf, dx: Buf, accumulate: boolean): void {
    const d = this.arr(dx, `unaryGrad ${op}`);
    K.unaryGrad(op, this.arr(x, `unaryGrad ${op}`, d.length), this.arr(dy, `unaryGrad ${op}`, d.length), d, accumulate);
  }
  reduce(op: ReduceOp, x: Buf, out: Buf, outer: number, len: number, inner: number, alpha: number, accumulate: boolean): void {
    K.reduce(
      op,
      this.arr(x, `reduce ${op}`, outer * len * inner),
      this.arr(out, `reduce ${op}`, outer * inner),
      outer,
      len,
      inner,
      alpha,
      accumulate,
    );
  }
  // The gradient of a max reduction (torch.amax semantics: ties share the gradient evenly).
  reduceMaxBackward(x: Buf, y: Buf, dy: Buf, dx: Buf, outer: number, len: number, inner: number, accumulate: boolean): void {
    const op = 'reduceMaxBackward';
    K.reduceMaxBackward(
      this.arr(x, op, outer * len * inner),
      this.arr(y, op, outer * inner),
      this.arr(dy, op, outer * inner),
      this.arr(dx, op, outer * len * inner),
      outer,
      len,
      inner,
      accumulate,
    );
  }
  matmul(a: Buf, b: Buf, out: Buf, p: MatmulParams): void {
    const need = (stride: number, size: number) => (p.batch - 1) * stride + size;
    K.matmul(
      this.arr(a, 'matmul', need(p.strideA, p.m * p.k)),
      this.arr(b, 'matmul', need(p.strideB, p.k * p.n)),
      this.arr(out, 'matmul', p.batch * p.m * p.n),
      p,
    );
  }

  // ---------- neural-network kernels ----------
  softmax(x: Buf, out: Buf, rows: number, cols: number): void {
    NN.softmax(this.arr(x, 'softmax', rows * cols), this.arr(out, 'softmax', rows * cols), rows, cols);
  }
  softmaxBackward(y: Buf, dy: Buf, dx: Buf, rows: number, cols: number, accumulate: boolean): void {
    const n = rows * cols;
    NN.softmaxBackward(
      this.arr(y, 'softmaxBackward', n),
      this.arr(dy, 'softmaxBackward', n),
      this.arr(dx, 'softmaxBackward', n),
      rows,
      cols,
      accumulate,
    );
  }
  crossEntropy(logits: Buf, labels: Buf, lossRows: Buf, dlogits: Buf | null, rows: number, classes: number, gradScale: number): void {
    const op = 'crossEntropy';
    NN.crossEntropy(
      this.arr(logits, op, rows * classes),
      this.arr(labels, op, rows, 'i32'),
      this.arr(lossRows, op, rows),
      dlogits ? this.arr(dlogits, op, rows * classes) : null,
      rows,
      classes,
      gradScale,
    );
  }
  layerNorm(x: Buf, gamma: Buf, beta: Buf, out: Buf, mean: Buf, rstd: Buf, rows: number, cols: number, eps: number): void {
    const op = 'layerNorm';
    NN.layerNorm(
      this.arr(x, op, rows * cols),
      this.arr(gamma, op, cols),
      this.arr(beta, op, cols),
      this.arr(out, op, rows * cols),
      this.arr(mean, op, rows),
      this.arr(rstd, op, rows),
      rows,
      cols,
      eps,
    );
  }
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
  ): void {
    const op = 'layerNormBackward';
    const n = rows * cols;
    NN.layerNormBackward(
      this.arr(x, op, n),
      this.arr(gamma, op, cols),
      this.arr(mean, op, rows),
      this.arr(rstd, op, rows),
      this.arr(dy, op, n),
      this.arr(dx, op, n),
      this.arr(dgamma, op, cols),
      this.arr(dbeta, op, cols),
      rows,
      cols,
      accumulateDx,
    );
  }
  gather(table: Buf, ids: Buf, out: Buf, count: number, dim: number): void {
    NN.gather(this.arr(table, 'gather', dim), this.arr(ids, 'gather', count, 'i32'), this.arr(out, 'gather', count * dim), count, dim);
  }
  scatterAdd(ids: Buf, dy: Buf, dtable: Buf, count: number, dim: number): void {
    NN.scatterAdd(
      this.arr(ids, 'scatterAdd', count, 'i32'),
      this.arr(dy, 'scatterAdd', count * dim),
      this.arr(dtable, 'scatterAdd', dim),
      count,
      dim,
    );
  }
  dconv(x: Buf, w: Buf, out: Buf, bh: number, heads: number, n: number, d: number, k: number): void {
    NN.dconv(this.arr(x, 'dconv', bh * n * d), this.arr(w, 'dconv', heads * k), this.arr(out, 'dconv', bh * n * d), bh, heads, n, d, k);
  }
  dconvBackward(x: Buf, w: Buf, dy: Buf, dx: Buf | null, dw: Buf | null, bh: number, heads: number, n: number, d: number, k: number): void {
    const op = 'dconvBackward';
    const sz = bh * n * d;
    NN.dconvBackward(
      this.arr(x, op, sz),
      this.arr(w, op, heads * k),
      this.arr(dy, op, sz),
      dx ? this.arr(dx, op, sz) : null,
      dw ? this.arr(dw, op, heads * k) : null,
      bh,
      heads,
      n,
      d,
      k,
    );
  }

  lshHash(rotated: Buf, mask: Buf, buckets: Buf, batch: number, heads: number, n: number, rounds: number, half: number): void {
    const op = 'lshHash';
    const bh = batch * heads;
    LSH.lshHash(
      this.arr(rotated, op, bh * n * rounds * half),
      this.arr(mask, op, batch * n),
      this.arr(buckets, op, bh * rounds * n, 'i32'),
      batch,
      heads,
      n,
      rounds,
      half,
    );
  }
  bucketSort(buckets: Buf, sorted: Buf, undo: Buf, rows: number, n: number, numBuckets: number): void {
    const op = 'bucketSort';
    const size = rows * n;
    LSH.bucketSort(
      this.arr(buckets, op, size, 'i32'),
      this.arr(sorted, op, size, 'i32'),
      this.arr(undo, op, size, 'i32'),
      rows,
      n,
      numBuckets,
    );
  }

  attention(q: Buf, k: Buf, v: Buf, bias: Buf | null, out: Buf, lse: Buf, p: AttentionParams): void {
    const op = 'attention';
    ATT.attention(
      this.arr(q, op, p.batch * p.nq * p.dk),
      this.arr(k, op, p.batch * p.nk * p.dk),
      this.arr(v, op, p.batch * p.nk * p.dv),
      bias ? this.arr(bias, op, (p.batch / p.heads) * p.nk) : null,
      this.arr(out, op, p.batch * p.nq * p.dv),
      this.arr(lse, op, p.batch * p.nq),
      p,
    );
  }
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
  ): void {
    const op = 'attentionBackward';
    const [qs, ks, vs, os] = [p.batch * p.nq * p.dk, p.batch * p.nk * p.dk, p.batch * p.nk * p.dv, p.batch * p.nq * p.dv];
    ATT.attentionBackward(
      this.arr(q, op, qs),
      this.arr(k, op, ks),
      this.arr(v, op, vs),
      bias ? this.arr(bias, op, (p.batch / p.heads) * p.nk) : null,
      this.arr(out, op, os),
      this.arr(lse, op, p.batch * p.nq),
      this.arr(dout, op, os),
      {
        dq: g.dq ? this.arr(g.dq, op, qs) : null,
        dk: g.dk ? this.arr(g.dk, op, ks) : null,
        dv: g.dv ? this.arr(g.dv, op, vs) : null,
      },
      p,
    );
  }

  // ---------- randomness ----------
  dropoutMask(out: Buf, seed: number, offset: number, p: number, scale: number): void {
    if (!(p >= 0 && p < 1)) throw new Error(`dropoutMask: p = ${p} must be in [0, 1)`);
    NN.dropoutMask(this.arr(out, 'dropoutMask'), seed, offset, p, scale);
  }

  // ---------- optimizer ----------
  sumSquares(x: Buf, out: Buf, accumulate: boolean): void {
    OPT.sumSquares(this.arr(x, 'sumSquares'), this.arr(out, 'sumSquares', 1), accumulate);
  }
  clipCoefficient(sumSq: Buf, out: Buf, maxNorm: number): void {
    OPT.clipCoefficient(this.arr(sumSq, 'clipCoefficient', 1), this.arr(out, 'clipCoefficient', 1), maxNorm);
  }
  adamw(param: Buf, grad: Buf, m: Buf, v: Buf, gradScale: Buf | null, p: AdamWParams): void {
    const op = `adamw "${param.label}"`;
    const n = param.size;
    if (!Number.isInteger(p.step) || p.step < 1) throw new Error(`${op}: step ${p.step} must be a positive integer (1-based)`);
    OPT.adamw(
      this.arr(param, op, n),
      this.arr(grad, op, n),
      this.arr(m, op, n),
      this.arr(v, op, n),
      gradScale ? this.arr(gradScale, op, 1) : null,
      p,
    );
  }
  checkFinite(x: Buf, out: Buf): void {
    OPT.checkFinite(this.arr(x, 'checkFinite'), this.arr(out, 'checkFinite', 1));
  }
}
