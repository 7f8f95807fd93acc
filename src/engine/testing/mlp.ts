/**
 * A two-layer MLP on seeded 2-D spirals (three classes), trained full-batch with dropout,
 * AdamW, global-norm clipping and the one-cycle schedule. It touches every piece of a
 * training step and runs on any Backend, so CPU and WebGPU loss curves can be compared
 * for the same seed.
 */
import type { Backend, MemoryReport } from '../backend';
import { backward } from '../autograd';
import { ParameterStore } from '../parameters';
import { Tensor, scope } from '../tensor';
import { add, crossEntropy, dropout, DropoutStream, gelu, intTensor, matmul, tensor, uniformValues } from '../ops/index';
import { AdamW, GradClipper, OneCycleLR } from '../optim/index';

export interface Spirals {
  points: number[];
  labels: number[];
  count: number;
}

/** `perClass` points on each of `classes` noisy spiral arms, from `seed`. */
export function spirals(seed: number, perClass = 32, classes = 3): Spirals {
  const noise = uniformValues(seed, perClass * classes, -0.2, 0.2);
  const points: number[] = [];
  const labels: number[] = [];
  for (let c = 0; c < classes; c++)
    for (let i = 0; i < perClass; i++) {
      const r = (i + 1) / perClass;
      const t = (c * 2 * Math.PI) / classes + 3 * r + noise[c * perClass + i];
      points.push(r * Math.sin(t), r * Math.cos(t));
      labels.push(c);
    }
  return { points, labels, count: perClass * classes };
}

export interface MlpOptions {
  hidden?: number;
  lr?: number;
  dropout?: number;
  /** Called after every step (memory-flatness tests sample the pool here). */
  onStep?: (step: number, memory: MemoryReport) => void;
}

/** PyTorch nn.Linear's default init range: U(−1/√fanIn, 1/√fanIn), here from the shared seeded generator. */
function linear(store: ParameterStore, name: string, outDim: number, inDim: number, seed: number): void {
  const bound = 1 / Math.sqrt(inDim);
  store.create(`${name}.weight`, [outDim, inDim], uniformValues(seed, outDim * inDim, -bound, bound));
  store.create(`${name}.bias`, [outDim], uniformValues(seed + 1, outDim, -bound, bound));
}

/** Train for `steps` full-batch steps; returns the training loss of every step (one read, at the end). */
export async function trainMlp(backend: Backend, seed: number, steps: number, opts: MlpOptions = {}): Promise<number[]> {
  const hidden = opts.hidden ?? 32;
  const data = spirals(seed);
  const store = new ParameterStore(backend);
  linear(store, 'fc1', hidden, 2, seed * 10 + 1);
  linear(store, 'fc2', 3, hidden, seed * 10 + 3);
  const x = tensor(backend, data.points, [data.count, 2], 'weights');
  const y = intTensor(backend, data.labels, [data.count]);
  const opt = new AdamW(store.params(), { lr: opts.lr ?? 0.02, weightDecay: 0.01, decays: (p) => p.name.endsWith('.weight') });
  const clip = new GradClipper(backend);
  const schedule = new OneCycleLR({ maxLr: opts.lr ?? 0.02, totalSteps: steps, pctStart: 0.2 });
  const stream = new DropoutStream(seed);
  // Every step's loss is copied into one preallocated log on the device and read once at the end.
  const log = Tensor.empty(backend, [steps], { category: 'scratch', label: 'loss log' });
  try {
    for (let step = 0; step < steps; step++) {
      scope(() => {
        store.zeroGrad();
        const h = gelu(add(matmul(x, store.get('fc1.weight'), { transB: true }), store.get('fc1.bias')));
        const logits = add(
          matmul(dropout(h, opts.dropout ?? 0.1, stream), store.get('fc2.weight'), { transB: true }),
          store.get('fc2.bias'),
        );
        const l = crossEntropy(logits, y);
        backward(l);
        const { lr, beta1 } = schedule.at(step);
        opt.step({ lr, beta1, gradScale: clip.compute(store.params(), 1.0) });
        backend.copyStrided(l.buf, log.buf, [1, 1, 1, 1], [0, 0, 0, 0], 0, [0, 0, 0, 0], step, 1, false);
      });
      opts.onStep?.(step, backend.memory());
    }
    return Array.from(await log.read());
  } finally {
    log.dispose();
    x.dispose();
    y.dispose();
    opt.dispose();
    clip.dispose();
    store.dispose();
  }
}
