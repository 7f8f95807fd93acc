/**
 * onnxruntime-web sessions over an exported model (src/io/onnx/export.ts). A session is created
 * with exactly ONE execution provider — `webgpu`, or `wasm` when the browser has no WebGPU
 * adapter, only a software one, or the user asks for it (src/infer/provider.ts) — and records
 * which one ran and why. Given a list,
 * onnxruntime falls back silently; a single provider either works or fails with its error,
 * which is passed on (with `auto` nothing is retried on another provider behind the user's back).
 *
 * onnxruntime-web is imported lazily, so the page only loads its wasm when inference is used;
 * Vite serves and bundles the .wasm from node_modules (no `wasmPaths`, nothing from another origin).
 */
import type * as Ort from 'onnxruntime-web';
import type { InferenceBatch } from './engineLogits';
import { isolationStatus } from './isolation';
import { chooseProvider, probeAdapter, type ExecutionProvider, type ProviderChoice } from './provider';

export type { ExecutionProvider, ProviderChoice } from './provider';

/** One tensor of the outputs: its dims and values. */
export interface OutputTensor {
  dims: number[];
  data: Float32Array;
}

export interface InferenceResult {
  /** [batch, classes], row-major. */
  logits: Float32Array;
  classes: number;
  /** Attention factors by output name (`layers.0.K1`, `layers.0.attention`, …), when the model was exported with them. */
  factors: Map<string, OutputTensor>;
  /** Wall time of `session.run` in ms (informational; never asserted). */
  ms: number;
}

/** A session and what it runs on. */
export interface InferenceSession {
  readonly provider: ExecutionProvider;
  /** Why this provider: requested by the user, or what `auto` found. */
  readonly reason: string;
  /** Wasm threads onnxruntime-web was told to use (more than 1 only when the page is cross-origin isolated). */
  readonly wasmThreads: number;
  readonly inputNames: readonly string[];
  readonly outputNames: readonly string[];
  run(input: InferenceBatch, seqLen: number): Promise<InferenceResult>;
  release(): Promise<void>;
}

let ortModule: Promise<typeof Ort> | null = null;
/**
 * The onnxruntime-web module, loaded once, with the wasm thread count the first session's
 * runtime initialisation fixes. Threads (from this page's isolation, src/infer/isolation.ts;
 * asked for threads without isolation, onnxruntime would drop to one with only a console warning)
 * only where they were seen to work: a first session on `wasm` in a browser that also has WebGPU.
 * With onnxruntime-web 1.30 in Chromium, creating a session never finished with two wasm threads
 * when the first session was on `webgpu`, or in a Chromium without WebGPU (both seen on this
 * project's CI machine); those pages get one thread. Sessions report the count that ran.
 */
function loadOrt(threaded: boolean): Promise<typeof Ort> {
  ortModule ??= import('onnxruntime-web').then((ort) => {
    ort.env.wasm.numThreads = threaded ? isolationStatus().wasmThreads : 1;
    return ort;
  });
  return ortModule;
}

/**
 * Session creations and releases run one after another: onnxruntime-web initialises its wasm
 * runtime on the first session, and a second creation during that ("multiple calls to
 * 'initWasm()'") fails and leaves the backend failed for the page — a user switching providers
 * quickly would hit it. A release is queued the same way, so that the session a switch leaves
 * behind is not released in the middle of the next creation.
 */
let queue: Promise<unknown> = Promise.resolve();

function serially<T>(task: () => Promise<T>): Promise<T> {
  const next = queue.then(task);
  queue = next.catch(() => undefined);
  return next;
}

/** Create a session on one provider. Throws with the provider named when it cannot be created. */
export function createSession(model: Uint8Array, choice: ProviderChoice = 'auto'): Promise<InferenceSession> {
  return serially(() => createNow(model, choice));
}

/**
 * Whether this page has created a WASM session. With onnxruntime-web 1.30 in Chromium, a WebGPU
 * session asked for after that never finished being created (seen every time in this project's
 * e2e test of the panel, on SwiftShader), so it is refused with what to do instead of hanging.
 */
let wasmStarted = false;

async function createNow(model: Uint8Array, choice: ProviderChoice): Promise<InferenceSession> {
  const adapter = await probeAdapter();
  const { provider, reason } = chooseProvider(choice, adapter);
  if (provider === 'webgpu' && wasmStarted)
    throw new Error(
      'this page already runs onnxruntime-web on WASM, and onnxruntime-web 1.30 does not finish creating a WebGPU session after that: reload the page and choose webgpu before loading the model (or keep wasm).',
    );
  // Threads only for a wasm session the user chose, in a browser with WebGPU: the one case seen
  // to work (see loadOrt). `auto` on a software adapter picks wasm too, but as the page's first
  // session it hung with two threads on SwiftShader, so it runs on one, like a page without WebGPU.
  const ort = await loadOrt(choice === 'wasm' && adapter !== null);
  let session: Ort.InferenceSession;
  try {
    // logSeverityLevel 3 (errors): on webgpu, onnxruntime warns on every session that it keeps
    // shape-only nodes on its CPU kernels ("Some nodes were not assigned to the preferred
    // execution providers") — its documented placement, not a fallback; the panel says so instead (placement.ts).
    session = await ort.InferenceSession.create(model, {
      executionProviders: [provider],
      graphOptimizationLevel: 'all',
      logSeverityLevel: 3,
    });
  } catch (err) {
    throw new Error(
      `onnxruntime-web could not create a session on the ${provider} execution provider: ${err instanceof Error ? err.message : String(err)}`,
    );
  }
  if (provider === 'wasm') wasmStarted = true;
  return wrap(ort, session, provider, reason);
}

function wrap(ort: typeof Ort, session: Ort.InferenceSession, provider: ExecutionProvider, reason: string): InferenceSession {
  return {
    provider,
    reason,
    wasmThreads: ort.env.wasm.numThreads ?? 1,
    inputNames: session.inputNames,
    outputNames: session.outputNames,
    async run(input, seqLen) {
      const dims = [input.batch, seqLen];
      const feeds: Record<string, Ort.Tensor> = {
        tokens: new ort.Tensor('int32', input.tokens, dims),
        mask: new ort.Tensor('float32', input.mask, dims),
      };
      if (session.inputNames.includes('tokens2')) {
        if (!input.tokens2 || !input.mask2) throw new Error('this model has two towers (retrieval): give tokens2 and mask2 as well.');
        feeds.tokens2 = new ort.Tensor('int32', input.tokens2, dims);
        feeds.mask2 = new ort.Tensor('float32', input.mask2, dims);
      }
      const started = performance.now();
      const out = await session.run(feeds);
      const ms = performance.now() - started;
      const factors = new Map<string, OutputTensor>();
      let logits: OutputTensor | null = null;
      for (const name of session.outputNames) {
        const t = out[name];
        const value = { dims: [...t.dims], data: Float32Array.from((await t.getData()) as Float32Array) };
        t.dispose();
        if (name === 'logits') logits = value;
        else factors.set(name, value);
      }
      if (!logits) throw new Error(`the model has no "logits" output (outputs: ${session.outputNames.join(', ')}).`);
      return { logits: logits.data, classes: logits.dims[1], factors, ms };
    },
    release: () => serially(() => session.release()),
  };
}
