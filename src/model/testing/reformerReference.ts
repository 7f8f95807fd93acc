/**
 * Reformer's LSH attention layer written as plain loops in float64, straight from docs/baselines.md
 * "Reformer": hash (padded tokens last), sort by (bucket, position) with Array.prototype.sort, chunks with the previous
 * chunk, the masks, the rounds' log-sum-exp weights. The engine's composite (src/model/attention/
 * reformer.ts) is tested against it; it shares no code with it.
 */

export interface ReformerReferenceInput {
  /** x [B, n, d] row-major. */
  x: ArrayLike<number>;
  /** [B, n]: 1 valid, 0 padding. */
  mask: ArrayLike<number>;
  batch: number;
  n: number;
  d: number;
  heads: number;
  rounds: number;
  chunk: number;
  /** Linear weights [d, d] (out × in) and biases [d]. */
  weights: Record<'qk.weight' | 'qk.bias' | 'v.weight' | 'v.bias' | 'out.weight' | 'out.bias', ArrayLike<number>>;
  /** [H, d_h, rounds · half]. */
  rotations: ArrayLike<number>;
  half: number;
}

function linear(x: ArrayLike<number>, rows: number, d: number, w: ArrayLike<number>, b: ArrayLike<number>): Float64Array {
  const y = new Float64Array(rows * d);
  for (let r = 0; r < rows; r++)
    for (let o = 0; o < d; o++) {
      let s = b[o];
      for (let i = 0; i < d; i++) s += x[r * d + i] * w[o * d + i];
      y[r * d + o] = s;
    }
  return y;
}

const logSumExp = (xs: number[]) => {
  const m = Math.max(...xs);
  return m + Math.log(xs.reduce((s, x) => s + Math.exp(x - m), 0));
};

/** The layer's output [B, n, d]. */
export function reformerReference(a: ReformerReferenceInput): Float64Array {
  const { batch, n, d, heads, rounds, chunk, half } = a;
  const dh = d / heads;
  const qk = linear(a.x, batch * n, d, a.weights['qk.weight'], a.weights['qk.bias']);
  const v = linear(a.x, batch * n, d, a.weights['v.weight'], a.weights['v.bias']);
  const merged = new Float64Array(batch * n * d);
  const vec = (t: Float64Array, b: number, h: number, i: number) => Array.from({ length: dh }, (_, c) => t[(b * n + i) * d + h * dh + c]);
  for (let b = 0; b < batch; b++)
    for (let h = 0; h < heads; h++) {
      const q = Array.from({ length: n }, (_, i) => vec(qk, b, h, i));
      const val = Array.from({ length: n }, (_, i) => vec(v, b, h, i));
      const key = q.map((x) => {
        const norm = Math.sqrt(x.reduce((s, y) => s + y * y, 0) / dh + 1e-6);
        return x.map((y) => y / norm / Math.sqrt(dh));
      });
      // Each round's sorted tokens, laid end to end.
      const order: number[] = [];
      for (let r = 0; r < rounds; r++) {
        const bucket = q.map((x) => {
          const rot = Array.from({ length: half }, (_, j) =>
            x.reduce((s, y, c) => s + y * a.rotations[(h * dh + c) * rounds * half + r * half + j], 0),
          );
          const both = [...rot, ...rot.map((y) => -y)];
          return both.indexOf(Math.max(...both));
        });
        // Padded tokens in a bucket after every real one.
        for (let i = 0; i < n; i++) if (a.mask[b * n + i] === 0) bucket[i] = 2 * half;
        order.push(...Array.from({ length: n }, (_, i) => i).sort((i, j) => bucket[i] - bucket[j]));
      }
      const chunks = (rounds * n) / chunk;
      const outs: number[][][] = Array.from({ length: rounds }, () => []);
      const lses: number[][] = Array.from({ length: rounds }, () => []);
      for (let s = 0; s < rounds * n; s++) {
        const ch = Math.floor(s / chunk);
        const slots: number[] = [];
        if (chunks > 1) for (let j = 0; j < chunk; j++) slots.push(((ch + chunks - 1) % chunks) * chunk + j);
        for (let j = 0; j < chunk; j++) slots.push(ch * chunk + j);
        const i = order[s];
        const scores = slots.map((slot) => {
          const j = order[slot];
          if (j === i) return -1e5;
          if (a.mask[b * n + j] === 0) return -1e9;
          return q[i].reduce((acc, y, c) => acc + y * key[j][c], 0);
        });
        const lse = logSumExp(scores);
        const o = new Array(dh).fill(0);
        slots.forEach((slot, k) => {
          const p = Math.exp(scores[k] - lse);
          for (let c = 0; c < dh; c++) o[c] += p * val[order[slot]][c];
        });
        const r = Math.floor(s / n);
        outs[r][i] = o;
        lses[r][i] = lse;
      }
      for (let i = 0; i < n; i++) {
        const z = logSumExp(lses.map((l) => l[i]));
        for (let c = 0; c < dh; c++) {
          let acc = 0;
          for (let r = 0; r < rounds; r++) acc += Math.exp(lses[r][i] - z) * outs[r][i][c];
          merged[(b * n + i) * d + h * dh + c] = acc;
        }
      }
    }
  return linear(merged, batch * n, d, a.weights['out.weight'], a.weights['out.bias']);
}
