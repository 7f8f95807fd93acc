/**
 * Proxyformer with injection `none`: P_in = P, so Q̃, K̃, K2 = softmax(s·Q̃K̃ᵀ) and its
 * pseudo-inverse Z do not depend on the input (docs/models.md "Caching with injection none"). They are computed here once, in
 * float64 on the CPU; the exporter rounds them to float32 constants [1, H, m, m].
 */
import type { ExportConfig } from './config.ts';

/** K2 and Z of one layer, each [H, m, m] row-major, in float64. */
export interface FixedPinv {
  k2: Float64Array;
  z: Float64Array;
}

/** The proxies of one head as Q̃_h, K̃_h [m, d_h] (float64), from `proxies` through q/k or from proxy_q/proxy_k. */
function headLandmarks(c: ExportConfig, w: ReadonlyMap<string, Float32Array>, prefix: string, head: number): [Float64Array, Float64Array] {
  const m = c.landmarks,
    d = c.dModel,
    dh = d / c.heads;
  const get = (name: string) => {
    const t = w.get(`${prefix}.${name}`);
    if (!t) throw new Error(`the cached pseudo-inverse needs the parameter ${prefix}.${name}`);
    return t;
  };
  if (c.proxyParam === 'per-head') {
    const slice = (t: Float32Array) => Float64Array.from(t.subarray(head * m * dh, (head + 1) * m * dh));
    return [slice(get('proxy_q')), slice(get('proxy_k'))];
  }
  const p = get('proxies');
  // q(P)_h = P W_hᵀ + b_h, where W_h are the rows h·d_h … (h+1)·d_h − 1 of the [out, in] weight.
  const project = (proj: string) => {
    const wt = get(`${proj}.weight`),
      b = get(`${proj}.bias`);
    const out = new Float64Array(m * dh);
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < dh; j++) {
        const row = head * dh + j;
        let acc = b[row];
        for (let t = 0; t < d; t++) acc += p[i * d + t] * wt[row * d + t];
        out[i * dh + j] = acc;
      }
    }
    return out;
  };
  return [project('q'), project('k')];
}

function matmul(a: Float64Array, b: Float64Array, m: number): Float64Array {
  const out = new Float64Array(m * m);
  for (let i = 0; i < m; i++) {
    for (let t = 0; t < m; t++) {
      const x = a[i * m + t];
      for (let j = 0; j < m; j++) out[i * m + j] += x * b[t * m + j];
    }
  }
  return out;
}

/** c·I − X for an m×m matrix. */
function shiftedNegation(x: Float64Array, c: number, m: number): Float64Array {
  const out = x.map((v) => -v);
  for (let i = 0; i < m; i++) out[i * m + i] += c;
  return out;
}

/** K2 = softmax(s·Q̃K̃ᵀ) per head and Z by the same iteration and initialisation as the graph (pinvGraph.ts). */
export function fixedPinv(c: ExportConfig, w: ReadonlyMap<string, Float32Array>, layer: number): FixedPinv {
  const m = c.landmarks,
    heads = c.heads,
    dh = c.dModel / heads;
  const prefix = `layers.${layer}.attn`;
  const s = 1 / Math.sqrt(dh);
  const k2s: Float64Array[] = [];
  for (let h = 0; h < heads; h++) {
    const [ql, kl] = headLandmarks(c, w, prefix, h);
    const k2 = new Float64Array(m * m);
    for (let i = 0; i < m; i++) {
      let max = -Infinity;
      for (let j = 0; j < m; j++) {
        let dot = 0;
        for (let t = 0; t < dh; t++) dot += ql[i * dh + t] * kl[j * dh + t];
        k2[i * m + j] = s * dot;
        max = Math.max(max, k2[i * m + j]);
      }
      let sum = 0;
      for (let j = 0; j < m; j++) sum += k2[i * m + j] = Math.exp(k2[i * m + j] - max);
      for (let j = 0; j < m; j++) k2[i * m + j] /= sum;
    }
    k2s.push(k2);
  }
  // Z0 scale: the largest absolute column sum, per head (`per-matrix`) or over all heads (`global`;
  // every sample has the same K2 here, so the max over the batch is the max over the heads).
  const maxColumnSum = k2s.map((a) => {
    let best = 0;
    for (let j = 0; j < m; j++) {
      let sum = 0;
      for (let i = 0; i < m; i++) sum += Math.abs(a[i * m + j]);
      best = Math.max(best, sum);
    }
    return best;
  });
  const globalMax = Math.max(...maxColumnSum);
  const k2Out = new Float64Array(heads * m * m);
  const zOut = new Float64Array(heads * m * m);
  k2s.forEach((a, h) => {
    const scaleBy = c.pinvInit === 'global' ? globalMax : maxColumnSum[h];
    let z: Float64Array = new Float64Array(m * m);
    for (let i = 0; i < m; i++) for (let j = 0; j < m; j++) z[i * m + j] = a[j * m + i] / scaleBy;
    for (let it = 0; it < c.pinvIterations; it++) {
      const az = matmul(a, z, m);
      const inner = matmul(az, shiftedNegation(az, 7, m), m);
      const middle = matmul(az, shiftedNegation(inner, 15, m), m);
      z = matmul(
        z.map((v) => 0.25 * v),
        shiftedNegation(middle, 13, m),
        m,
      );
    }
    k2Out.set(a, h * m * m);
    zOut.set(z, h * m * m);
  });
  return { k2: k2Out, z: zOut };
}
