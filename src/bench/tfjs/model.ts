/**
 * The benchmark peer: the paper-preset LRA classifier written in plain tfjs ops (softmax,
 * Nyströmformer and Proxyformer attention), for timing a training step with
 * `@tensorflow/tfjs-backend-webgpu` against ours. Same sizes, shapes and FLOPs as our model
 * (src/model), not the same numbers: initialisation, dropout streams and the contrastive loss's
 * exact form differ. tfjs has no AdamW; with the preset's weight decay 0 AdamW is Adam, so
 * `tf.train.adam` does the same work.
 *
 * Pre-LN blocks: x + Attn(LN(x)), x + FFN(LN(x)); final LN, masked mean pooling, linear head.
 * Nyström product per head: (K1·Z)·(K3·V) + DConv(V), Z from `pinvIterations` Newton–Schulz
 * steps on K2; Proxyformer's landmarks are learned proxies with 'attend' injection
 * P + softmax(s·q(P)Kᵀ)V, projected by the layer's q and k, plus an InfoNCE loss on Q̃, K̃.
 */
import type * as TF from '@tensorflow/tfjs';

type Tf = typeof TF;
type T = TF.Tensor;

export interface TfjsModelConfig {
  attention: 'softmax' | 'nystrom' | 'proxy';
  layers: number;
  dModel: number;
  heads: number;
  ffn: number;
  landmarks: number;
  convKernel: number;
  pinvIterations: number;
  vocabSize: number;
  numClasses: number;
  seqLen: number;
  dropout: number;
  contrastiveWeight: number;
  contrastiveTemperature: number;
}

interface Layer {
  ln1: [TF.Variable, TF.Variable];
  wq: TF.Variable;
  bq: TF.Variable;
  wk: TF.Variable;
  bk: TF.Variable;
  wv: TF.Variable;
  bv: TF.Variable;
  wo: TF.Variable;
  bo: TF.Variable;
  conv?: TF.Variable;
  proxies?: TF.Variable;
  ln2: [TF.Variable, TF.Variable];
  w1: TF.Variable;
  b1: TF.Variable;
  w2: TF.Variable;
  b2: TF.Variable;
}

/** The model: its variables and a loss function for `optimizer.minimize`. */
export interface TfjsModel {
  variables: TF.Variable[];
  /** Mean cross-entropy (+ λ·contrastive for Proxyformer) of a batch; `train` draws dropout. */
  loss(tokens: T, mask: T, labels: T, train: boolean): TF.Scalar;
  /** Logits [B, classes] (no dropout). */
  logits(tokens: T, mask: T): T;
  dispose(): void;
}

/** Build the tfjs peer model with seeded truncated-normal weights. */
export function buildTfjsModel(tf: Tf, c: TfjsModelConfig, seed = 1): TfjsModel {
  const { dModel: d, heads: H, ffn, landmarks: m } = c;
  const dh = d / H;
  let s = seed;
  const vars: TF.Variable[] = [];
  const w = (shape: number[], std = 0.02) => {
    const v = tf.variable(tf.truncatedNormal(shape, 0, std, 'float32', s++));
    vars.push(v);
    return v;
  };
  const z = (shape: number[], value = 0) => {
    const v = tf.variable(tf.fill(shape, value));
    vars.push(v);
    return v;
  };
  const tokenEmb = w([c.vocabSize, d]);
  const posEmb = w([c.seqLen, d]);
  const layers: Layer[] = Array.from({ length: c.layers }, () => ({
    ln1: [z([d], 1), z([d])],
    wq: w([d, d]),
    bq: z([d]),
    wk: w([d, d]),
    bk: z([d]),
    wv: w([d, d]),
    bv: z([d]),
    wo: w([d, d]),
    bo: z([d]),
    conv: c.attention !== 'softmax' && c.convKernel > 0 ? w([c.convKernel, 1, H, 1]) : undefined,
    proxies: c.attention === 'proxy' ? w([m, d]) : undefined,
    ln2: [z([d], 1), z([d])],
    w1: w([d, ffn]),
    b1: z([ffn]),
    w2: w([ffn, d]),
    b2: z([d]),
  }));
  const lnF: [TF.Variable, TF.Variable] = [z([d], 1), z([d])];
  const head = w([d, c.numClasses]);
  const headB = z([c.numClasses]);

  /** The shape as a plain array (tfjs types a generic tensor's shape as a union of tuples). */
  const sh = (x: T) => x.shape as number[];
  const layerNorm = (x: T, [g, b]: [TF.Variable, TF.Variable]) => {
    const { mean, variance } = tf.moments(x, -1, true);
    return tf.add(tf.mul(tf.div(tf.sub(x, mean), tf.sqrt(tf.add(variance, 1e-5))), g), b);
  };
  const linear = (x: T, wt: TF.Variable, b: TF.Variable) => {
    const shape = sh(x);
    const flat = tf.reshape(x, [-1, shape[shape.length - 1]]);
    return tf.reshape(tf.add(tf.matMul(flat, wt), b), [...shape.slice(0, -1), sh(wt)[1]]);
  };
  const split = (x: T) => tf.transpose(tf.reshape(x, [sh(x)[0], sh(x)[1], H, dh]), [0, 2, 1, 3]); // [B, H, len, dh]
  const merge = (x: T) => tf.reshape(tf.transpose(x, [0, 2, 1, 3]), [sh(x)[0], sh(x)[2], d]);
  const drop = (x: T, train: boolean) => (train && c.dropout > 0 ? tf.dropout(x, c.dropout) : x);
  const attend = (q: T, k: T, v: T | null, bias: T | null) => {
    let logits = tf.matMul(q, k, false, true).mul(1 / Math.sqrt(dh));
    if (bias) logits = tf.add(logits, bias);
    const p = tf.softmax(logits);
    return v ? tf.matMul(p, v) : p;
  };
  const pinv = (a: T) => {
    // Nyströmformer's initialisation and Newton–Schulz steps: Z ← ¼·Z(13I − AZ(15I − AZ(7I − AZ))).
    const eye = tf.eye(m).reshape([1, 1, m, m]);
    const denom = tf.mul(tf.max(tf.sum(tf.abs(a), -1)), tf.max(tf.sum(tf.abs(a), -2)));
    let zz = tf.div(tf.transpose(a, [0, 1, 3, 2]), denom);
    for (let i = 0; i < c.pinvIterations; i++) {
      const az = tf.matMul(a, zz);
      const inner = tf.sub(tf.mul(eye, 7), az);
      const mid = tf.sub(tf.mul(eye, 15), tf.matMul(az, inner));
      zz = tf.mul(tf.matMul(zz, tf.sub(tf.mul(eye, 13), tf.matMul(az, mid))), 0.25);
    }
    return zz;
  };
  const convSkip = (v: T, kernel: TF.Variable) => {
    // The conv skip: depthwise convolution along the sequence, one kernel per head, shared across d_h: [B, n, dh, H] channels last.
    const x = tf.transpose(v, [0, 2, 3, 1]) as TF.Tensor4D;
    return tf.transpose(tf.depthwiseConv2d(x, kernel as unknown as TF.Tensor4D, 1, 'same'), [0, 3, 1, 2]);
  };
  // GELU, tanh form (tfjs has no erf-GELU op; same cost class as ours).
  const gelu = (x: T) =>
    tf.mul(tf.mul(x, 0.5), tf.add(1, tf.tanh(tf.mul(tf.add(x, tf.mul(tf.pow(x, 3), 0.044715)), Math.sqrt(2 / Math.PI)))));
  const segmentMean = (x: T) => tf.mean(tf.reshape(x, [sh(x)[0], H, m, sh(x)[2] / m, dh]), 3);

  const attention = (x: T, L: Layer, rows: T, bias: T): { out: T; contrastive: T | null } => {
    const q = split(linear(x, L.wq, L.bq));
    const k = split(linear(x, L.wk, L.bk));
    const v = split(linear(x, L.wv, L.bv));
    if (c.attention === 'softmax') return { out: merge(attend(q, k, v, bias)), contrastive: null };
    let ql: T;
    let kl: T;
    let contrastive: T | null = null;
    if (c.attention === 'nystrom') {
      ql = segmentMean(tf.mul(q, rows));
      kl = segmentMean(tf.mul(k, rows));
    } else {
      const p = tf.reshape(L.proxies!, [1, m, d]);
      const pq = split(tf.tile(linear(p, L.wq, L.bq), [sh(x)[0], 1, 1]));
      const pIn = tf.add(p, merge(attend(pq, k, v, bias)));
      ql = split(linear(pIn, L.wq, L.bq));
      kl = split(linear(pIn, L.wk, L.bk));
      // InfoNCE of each proxy's query against its own key among the m keys.
      const nq = tf.div(ql, tf.norm(ql, 'euclidean', -1, true).add(1e-12));
      const nk = tf.div(kl, tf.norm(kl, 'euclidean', -1, true).add(1e-12));
      const sims = tf.matMul(nq, nk, false, true).div(c.contrastiveTemperature).reshape([-1, m]);
      const target = tf.tile(tf.eye(m), [sh(sims)[0] / m, 1]);
      contrastive = tf.losses.softmaxCrossEntropy(target, sims);
    }
    const k1 = attend(q, kl, null, null);
    const k2 = attend(ql, kl, null, null);
    const k3 = attend(ql, k, null, bias);
    const out = tf.matMul(tf.matMul(k1, pinv(k2)), tf.matMul(k3, v));
    const withConv = L.conv ? tf.add(out, convSkip(tf.mul(v, rows), L.conv)) : out;
    return { out: merge(withConv), contrastive };
  };

  const encode = (tokens: T, mask: T, train: boolean): { logits: T; contrastive: T | null } => {
    const B = sh(tokens)[0];
    const n = sh(tokens)[1];
    let x = tf.add(tf.gather(tokenEmb, tokens), tf.slice(posEmb, [0, 0], [n, d]));
    x = drop(x, train);
    const rows = tf.reshape(mask, [B, 1, n, 1]);
    const bias = tf.reshape(tf.mul(tf.sub(1, mask), -1e9), [B, 1, 1, n]);
    let contrastive: T | null = null;
    for (const L of layers) {
      const a = attention(layerNorm(x, L.ln1), L, rows, bias);
      if (a.contrastive) contrastive = contrastive ? tf.add(contrastive, a.contrastive) : a.contrastive;
      x = tf.add(x, drop(linear(a.out, L.wo, L.bo), train));
      const h = tf.add(x, drop(linear(gelu(linear(layerNorm(x, L.ln2), L.w1, L.b1)), L.w2, L.b2), train));
      x = h;
    }
    x = layerNorm(x, lnF);
    const m3 = tf.reshape(mask, [B, n, 1]);
    const pooled = tf.div(tf.sum(tf.mul(x, m3), 1), tf.sum(m3, 1));
    return { logits: tf.add(tf.matMul(pooled, head), headB), contrastive };
  };

  return {
    variables: vars,
    loss(tokens, mask, labels, train) {
      const { logits, contrastive } = encode(tokens, mask, train);
      const task = tf.losses.softmaxCrossEntropy(tf.oneHot(labels as TF.Tensor1D, c.numClasses), logits);
      return (contrastive ? tf.add(task, tf.mul(contrastive, c.contrastiveWeight / c.layers)) : task) as TF.Scalar;
    },
    logits(tokens, mask) {
      return encode(tokens, mask, false).logits;
    },
    dispose() {
      for (const v of vars) v.dispose();
    },
  };
}
