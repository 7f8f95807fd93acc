/// <reference lib="webworker" />
/**
 * The training worker: a thin adapter between `postMessage` and `TrainingSession`. WebGPU
 * comes from the worker's own `navigator.gpu`; corpora from data/ beside the page; checkpoints
 * go to IndexedDB (or, if the browser refuses it, to memory, and the run list says so).
 */
import { computeViews } from '../model/views';
import { httpFetcher } from '../data/corpora/load';
import { IndexedDbTuneStore } from '../engine/webgpu/autotune/idbStore';
import { createBackend } from './backendFactory';
import type { ToWorker } from './protocol';
import { TrainingSession } from './session';
import { IndexedDbDatasetStore } from './store/datasets';
import { IndexedDbCheckpointStore } from './store/indexedDb';
import { MemoryCheckpointStore } from './store/memory';
import { taskFor } from './taskFromConfig';

const scope = self as unknown as DedicatedWorkerGlobalScope;
// The corpora sit in data/ beside index.html. The dev server serves them at the root; a build
// has relative URLs (any host, any sub-path) and puts this worker in assets/, one folder below.
const fetchBytes = httpFetcher(new URL(import.meta.env.DEV ? '/data/' : '../data/', scope.location.href).href);
const store = typeof indexedDB !== 'undefined' ? new IndexedDbCheckpointStore() : new MemoryCheckpointStore();
// Your own datasets (task custom), stored by the import worker under their content id.
const datasets = new IndexedDbDatasetStore();
// Matmul choices tuned on this adapter, kept across page loads (docs/kernels.md); without
// IndexedDB tuning is off and the page says the rule chooses.
const tuning = typeof indexedDB !== 'undefined' ? new IndexedDbTuneStore() : null;

// A MessageChannel hop lets queued commands (pause, stop) in without setTimeout's clamping.
const channel = new MessageChannel();
const waiting: (() => void)[] = [];
channel.port1.onmessage = () => waiting.shift()?.();
const yieldToEvents = () =>
  new Promise<void>((resolve) => {
    waiting.push(resolve);
    channel.port2.postMessage(null);
  });

const session = new TrainingSession({
  post: (msg) => scope.postMessage(msg),
  createBackend: (choice, limits) =>
    createBackend(choice, (scope.navigator as Navigator & { gpu?: GPU }).gpu, { timing: true, limits, tuning }),
  loadTask: (config) => taskFor(config, fetchBytes, datasets),
  store,
  yieldToEvents,
  now: () => performance.now(),
  jsHeap: () => (performance as Performance & { memory?: { usedJSHeapSize: number } }).memory?.usedJSHeapSize,
  views: async (trainer, split, example) => {
    const ex = trainer.task.example(split, Math.min(example, trainer.task.splitSizes[split] - 1));
    const n = trainer.config.seqLen;
    const tokens = new Int32Array(n);
    const mask = new Float32Array(n);
    tokens.set(ex.tokens.subarray(0, n));
    mask.fill(1, 0, Math.min(n, ex.tokens.length));
    return {
      example: { split, index: example, tokens: Array.from(ex.tokens.subarray(0, n)), label: ex.label },
      views: await computeViews(trainer.model, { tokens, mask }),
    };
  },
});

// Commands run one after another: a `pause` must not overtake the `start` before it.
let queue = Promise.resolve();
scope.onmessage = (ev: MessageEvent<ToWorker>) => {
  queue = queue
    .then(() => session.handle(ev.data))
    .catch((e: Error) =>
      scope.postMessage({
        type: 'failure',
        kind: 'internal',
        message: e.message,
        step: session.trainer?.step ?? 0,
        lastCheckpointStep: null,
        canResume: false,
      }),
    );
};
