/**
 * Reference loops for data movement, arithmetic, reductions and the matrix product. Each is
 * the plainest correct loop, the definition the WGSL kernels are tested against. Values are
 * computed in double and rounded on store by the typed array (Float32Array on an f32 backend).
 */
import type { BinaryOp, Dims4, MatmulParams, ReduceOp, UnaryGradOp, UnaryOp } from '../backend';
import type { CpuArray } from './pool';
import { gelu, geluGrad } from './erf';

/**
 * dst[dstOffset + Σ i·dstStrides] (+)= alpha · src[srcOffset + Σ i·srcStrides] over `shape`.
 * The innermost axis runs as one tight loop per case (plain copy, scaled, accumulated).
 */
export function copyStrided(
  src: CpuArray,
  dst: CpuArray,
  shape: Dims4,
  ss: Dims4,
  so: number,
  ds: Dims4,
  doff: number,
  alpha: number,
  accumulate: boolean,
): void {
  const n3 = shape[3];
  const s3 = ss[3];
  const d3 = ds[3];
  for (let i0 = 0; i0 < shape[0]; i0++)
    for (let i1 = 0; i1 < shape[1]; i1++)
      for (let i2 = 0; i2 < shape[2]; i2++) {
        const s = so + i0 * ss[0] + i1 * ss[1] + i2 * ss[2];
        const d = doff + i0 * ds[0] + i1 * ds[1] + i2 * ds[2];
        if (accumulate) {
          if (alpha === 1) for (let i3 = 0; i3 < n3; i3++) dst[d + i3 * d3] = dst[d + i3 * d3] + src[s + i3 * s3];
          else for (let i3 = 0; i3 < n3; i3++) dst[d + i3 * d3] = dst[d + i3 * d3] + alpha * src[s + i3 * s3];
        } else if (alpha === 1) {
          if (s3 === 1 && d3 === 1) for (let i3 = 0; i3 < n3; i3++) dst[d + i3] = src[s + i3];
          else for (let i3 = 0; i3 < n3; i3++) dst[d + i3 * d3] = src[s + i3 * s3];
        } else for (let i3 = 0; i3 < n3; i3++) dst[d + i3 * d3] = alpha * src[s + i3 * s3];
      }
}

/** out (contiguous over `shape`) = a ∘ b, reading a and b through strides (0 broadcasts); the op is chosen outside the innermost loop. */
export function binary(op: BinaryOp, a: CpuArray, b: CpuArray, out: CpuArray, shape: Dims4, as: Dims4, bs: Dims4): void {
  const n3 = shape[3];
  const a3 = as[3];
  const b3 = bs[3];
  let o = 0;
  for (let i0 = 0; i0 < shape[0]; i0++)
    for (let i1 = 0; i1 < shape[1]; i1++)
      for (let i2 = 0; i2 < shape[2]; i2++) {
        const pa = i0 * as[0] + i1 * as[1] + i2 * as[2];
        const pb = i0 * bs[0] + i1 * bs[1] + i2 * bs[2];
        switch (op) {
          case 'add':
            for (let i3 = 0; i3 < n3; i3++) out[o + i3] = a[pa + i3 * a3] + b[pb + i3 * b3];
            break;
          case 'sub':
            for (let i3 = 0; i3 < n3; i3++) out[o + i3] = a[pa + i3 * a3] - b[pb + i3 * b3];
            break;
          case 'mul':
            for (let i3 = 0; i3 < n3; i3++) out[o + i3] = a[pa + i3 * a3] * b[pb + i3 * b3];
            break;
          case 'div':
            for (let i3 = 0; i3 < n3; i3++) out[o + i3] = a[pa + i3 * a3] / b[pb + i3 * b3];
            break;
        }
        o += n3;
      }
}

/** One pointwise map; `affine` is alpha·x + beta. */
export function unaryScalar(op: UnaryOp, x: number, alpha: number, beta: number): number {
  switch (op) {
    case 'affine':
      return alpha * x + beta;
    case 'relu':
      return x > 0 ? x : 0;
    case 'gelu':
      return gelu(x);
    case 'exp':
      return Math.exp(x);
    case 'log':
      return Math.log(x);
    case 'sqrt':
      return Math.sqrt(x);
    case 'rsqrt':
      return 1 / Math.sqrt(x);
    case 'square':
      return x * x;
    case 'recip':
      return 1 / x;
    case 'abs':
      return Math.abs(x);
  }
}

/** out = op(x) elementwise; the common maps get their own loops, the rest go through `unaryScalar`. */
export function unary(op: UnaryOp, x: CpuArray, out: CpuArray, alpha: number, beta: number): void {
  const n = out.length;
  switch (op) {
    case 'affine':
      for (let i = 0; i < n; i++) out[i] = alpha * x[i] + beta;
      return;
    case 'relu':
      for (let i = 0; i < n; i++) out[i] = x[i] > 0 ? x[i] : 0;
      return;
    case 'exp':
      for (let i = 0; i < n; i++) out[i] = Math.exp(x[i]);
      return;
    default:
      for (let i = 0; i < n; i++) out[i] = unaryScalar(op, x[i], alpha, beta);
  }
}

/** dx (+)= dy · f'(x); relu'(0) = 0 as in PyTorch. */
export function unaryGrad(op: UnaryGradOp, x: CpuArray, dy: CpuArray, dx: CpuArray, accumulate: boolean): void {
  const n = dx.length;
  if (op === 'relu') {
    if (accumulate) for (let i = 0; i < n; i++) dx[i] = dx[i] + (x[i] > 0 ? dy[i] : 0);
    else for (let i = 0; i < n; i++) dx[i] = x[i] > 0 ? dy[i] : 0;
  } else if (accumulate) for (let i = 0; i < n; i++) dx[i] = dx[i] + dy[i] * geluGrad(x[i]);
  else for (let i = 0; i < n; i++) dx[i] = dy[i] * geluGrad(x[i]);
}

/** x viewed as [outer, len, inner]: out[o, i] (+)= alpha · reduce_l x[o, l, i]. */
export function reduce(
  op: ReduceOp,
  x: CpuArray,
  out: CpuArray,
  outer: number,
  len: number,
  inner: number,
  alpha: number,
  accumulate: boolean,
): void {
  for (let o = 0; o < outer; o++)
    for (let i = 0; i < inner; i++) {
      let r = op === 'max' ? -Infinity : 0;
      for (let l = 0; l < len; l++) {
        const v = x[(o * len + l) * inner + i];
        if (op === 'sum') r += v;
        else if (op === 'sumsq') r += v * v;
        else if (op === 'max') r = v > r || Number.isNaN(v) ? v : r;
        else r = Math.max(r, Math.abs(v));
      }
      const j = o * inner + i;
      out[j] = accumulate ? out[j] + alpha * r : alpha * r;
    }
}

/**
 * Gradient of a max reduction with torch.amax semantics: the gradient of each maximum goes to
 * the elements equal to it, shared evenly between ties (x viewed as [outer, len, inner]).
 */
export function reduceMaxBackward(
  x: CpuArray,
  y: CpuArray,
  dy: CpuArray,
  dx: CpuArray,
  outer: number,
  len: number,
  inner: number,
  accumulate: boolean,
): void {
  for (let o = 0; o < outer; o++)
    for (let i = 0; i < inner; i++) {
      const m = y[o * inner + i];
      let ties = 0;
      for (let l = 0; l < len; l++) if (x[(o * len + l) * inner + i] === m) ties++;
      const share = ties > 0 ? dy[o * inner + i] / ties : 0;
      for (let l = 0; l < len; l++) {
        const j = (o * len + l) * inner + i;
        const d = x[j] === m ? share : 0;
        dx[j] = accumulate ? dx[j] + d : d;
      }
    }
}

/** out[b] = alpha · op(A[b]) · op(B[b]) (+ out[b] when accumulating): the plainest loop, the definition `matmul` is tested against. */
export function matmulReference(a: CpuArray, b: CpuArray, out: CpuArray, p: MatmulParams): void {
  const { batch, m, n, k, transA, transB, strideA, strideB, alpha, accumulate } = p;
  for (let t = 0; t < batch; t++) {
    const oa = t * strideA;
    const ob = t * strideB;
    const oo = t * m * n;
    for (let i = 0; i < m; i++)
      for (let j = 0; j < n; j++) {
        let s = 0;
        for (let l = 0; l < k; l++) {
          const av = transA ? a[oa + l * m + i] : a[oa + i * k + l];
          const bv = transB ? b[ob + j * k + l] : b[ob + l * n + j];
          s += av * bv;
        }
        const idx = oo + i * n + j;
        out[idx] = accumulate ? out[idx] + alpha * s : alpha * s;
      }
  }
}

/** Packed rows of op(A) and columns of op(B) (doubles hold f32 and f64 values exactly); grown on demand. */
let packedA = new Float64Array(64);
let packedB = new Float64Array(4096);

/**
 * The same product as `matmulReference`, bit for bit: every output is still one double sum over
 * l = 0..k-1 in ascending order, rounded once on store. What changes is only the memory order:
 * the row of op(A) and the columns of op(B) are packed contiguously (op(B) once per batch, or
 * once for all when it is shared), and a 2×4 block of outputs shares each loaded value.
 */
export function matmul(a: CpuArray, b: CpuArray, out: CpuArray, p: MatmulParams): void {
  const { batch, m, n, k, transA, transB, strideA, strideB, alpha, accumulate } = p;
  if (packedA.length < 2 * k) packedA = new Float64Array(2 * k);
  if (packedB.length < n * k) packedB = new Float64Array(n * k);
  const ar = packedA;
  const bt = packedB;
  for (let t = 0; t < batch; t++) {
    const oa = t * strideA;
    const ob = t * strideB;
    const oo = t * m * n;
    // bt[j·k + l] = op(B)[l, j]; a shared B (stride 0) is packed once.
    if (t === 0 || strideB !== 0) {
      if (transB) for (let q = 0; q < n * k; q++) bt[q] = b[ob + q];
      else for (let l = 0; l < k; l++) for (let j = 0; j < n; j++) bt[j * k + l] = b[ob + l * n + j];
    }
    // Two rows at a time (ar[0..k) and ar[k..2k)); an odd last row runs alone.
    for (let i = 0; i < m; i += 2) {
      const two = i + 1 < m;
      const rows = two ? 2 : 1;
      for (let r = 0; r < rows; r++) {
        const o = r * k;
        if (transA) for (let l = 0; l < k; l++) ar[o + l] = a[oa + l * m + i + r];
        else for (let l = 0; l < k; l++) ar[o + l] = a[oa + (i + r) * k + l];
      }
      const row0 = oo + i * n;
      const row1 = row0 + n;
      let j = 0;
      if (two) {
        for (; j + 4 <= n; j += 4) {
          const c0 = j * k;
          const c1 = c0 + k;
          const c2 = c1 + k;
          const c3 = c2 + k;
          let s00 = 0,
            s01 = 0,
            s02 = 0,
            s03 = 0;
          let s10 = 0,
            s11 = 0,
            s12 = 0,
            s13 = 0;
          for (let l = 0; l < k; l++) {
            const x0 = ar[l];
            const x1 = ar[k + l];
            const b0 = bt[c0 + l];
            const b1 = bt[c1 + l];
            const b2 = bt[c2 + l];
            const b3 = bt[c3 + l];
            s00 += x0 * b0;
            s01 += x0 * b1;
            s02 += x0 * b2;
            s03 += x0 * b3;
            s10 += x1 * b0;
            s11 += x1 * b1;
            s12 += x1 * b2;
            s13 += x1 * b3;
          }
          store4(out, row0 + j, alpha, accumulate, s00, s01, s02, s03);
          store4(out, row1 + j, alpha, accumulate, s10, s11, s12, s13);
        }
      } else {
        for (; j + 4 <= n; j += 4) {
          const c0 = j * k;
          const c1 = c0 + k;
          const c2 = c1 + k;
          const c3 = c2 + k;
          let s0 = 0,
            s1 = 0,
            s2 = 0,
            s3 = 0;
          for (let l = 0; l < k; l++) {
            const x = ar[l];
            s0 += x * bt[c0 + l];
            s1 += x * bt[c1 + l];
            s2 += x * bt[c2 + l];
            s3 += x * bt[c3 + l];
          }
          store4(out, row0 + j, alpha, accumulate, s0, s1, s2, s3);
        }
      }
      for (; j < n; j++) {
        const c = j * k;
        for (let r = 0; r < rows; r++) {
          const o = r * k;
          let s = 0;
          for (let l = 0; l < k; l++) s += ar[o + l] * bt[c + l];
          const idx = row0 + r * n + j;
          out[idx] = accumulate ? out[idx] + alpha * s : alpha * s;
        }
      }
    }
  }
}

/** out[at..at+4) (+)= alpha · (s0, s1, s2, s3), each rounded once on store. */
function store4(out: CpuArray, at: number, alpha: number, accumulate: boolean, s0: number, s1: number, s2: number, s3: number): void {
  if (accumulate) {
    out[at] = out[at] + alpha * s0;
    out[at + 1] = out[at + 1] + alpha * s1;
    out[at + 2] = out[at + 2] + alpha * s2;
    out[at + 3] = out[at + 3] + alpha * s3;
  } else {
    out[at] = alpha * s0;
    out[at + 1] = alpha * s1;
    out[at + 2] = alpha * s2;
    out[at + 3] = alpha * s3;
  }
}

/** out[b] = scale · I for each of `batch` m×m matrices. */
export function eye(out: CpuArray, batch: number, m: number, scale: number): void {
  for (let t = 0; t < batch; t++) for (let i = 0; i < m; i++) for (let j = 0; j < m; j++) out[(t * m + i) * m + j] = i === j ? scale : 0;
}

/** out[i] = shift·I + alpha·A[i]·B[i], square m×m, contiguous (the reference of the shifted product). */
export function shiftedProduct(a: CpuArray, b: CpuArray, out: CpuArray, batch: number, m: number, shift: number, alpha: number): void {
  for (let t = 0; t < batch; t++) {
    const o = t * m * m;
    for (let i = 0; i < m; i++)
      for (let j = 0; j < m; j++) {
        let s = 0;
        for (let k = 0; k < m; k++) s += a[o + i * m + k] * b[o + k * m + j];
        out[o + i * m + j] = alpha * s + (i === j ? shift : 0);
      }
  }
}
