/**
 * Cross-origin isolation, which onnxruntime-web's wasm threads (SharedArrayBuffer) need, and
 * how this page got it. `npm start` sends COOP/COEP headers itself; a plain static host (GitHub
 * Pages and the like) sends none, so `index.html` loads coi-serviceworker, which registers a
 * service worker on the page's own origin that adds the two headers to every response and
 * reloads the page once. Where neither works (no service workers, not a secure context, a
 * private window that refuses them) the page is not isolated: wasm runs on one thread, and the
 * page says so instead of letting onnxruntime fall back quietly.
 */

export interface IsolationStatus {
  /** `crossOriginIsolated` of this page. */
  isolated: boolean;
  /** Where the isolation came from, or why there is none. */
  how: 'headers' | 'service worker' | 'none';
  /** The wasm threads onnxruntime-web is told to use (1 without isolation). */
  wasmThreads: number;
  /** One line for the badge. */
  summary: string;
}

interface IsolationEnv {
  crossOriginIsolated?: boolean;
  /** Whether a service worker controls this page (`navigator.serviceWorker.controller`). */
  controlled: boolean;
  hardwareConcurrency: number;
  secureContext: boolean;
  serviceWorkers: boolean;
}

/** Wasm threads with isolation: every core up to 4 (onnxruntime's own default halves the cores, which gives 1 on a 2-core laptop). */
export const MAX_WASM_THREADS = 4;

/** The isolation status for an environment (pure, for tests). */
export function isolationFrom(env: IsolationEnv): IsolationStatus {
  const isolated = env.crossOriginIsolated === true;
  if (isolated) {
    const wasmThreads = Math.max(1, Math.min(MAX_WASM_THREADS, env.hardwareConcurrency || 1));
    const how = env.controlled ? 'service worker' : 'headers';
    return {
      isolated,
      how,
      wasmThreads,
      summary: `cross-origin isolated (${how === 'headers' ? 'server headers' : 'service worker'}) · wasm ${wasmThreads} thread${wasmThreads === 1 ? '' : 's'}`,
    };
  }
  const why = !env.secureContext
    ? 'the page is not a secure context (use https or localhost)'
    : !env.serviceWorkers
      ? 'this browser gives the page no service workers (a private window?)'
      : 'the service worker has not taken over (reload once)';
  return { isolated: false, how: 'none', wasmThreads: 1, summary: `not cross-origin isolated: ${why} · wasm runs on 1 thread` };
}

/** The isolation status of this page (or worker). */
export function isolationStatus(): IsolationStatus {
  const g = globalThis as { crossOriginIsolated?: boolean; isSecureContext?: boolean; navigator?: Navigator };
  const nav = g.navigator;
  return isolationFrom({
    crossOriginIsolated: g.crossOriginIsolated,
    controlled: Boolean(nav?.serviceWorker?.controller),
    hardwareConcurrency: nav?.hardwareConcurrency ?? 1,
    secureContext: g.isSecureContext ?? false,
    serviceWorkers: Boolean(nav && 'serviceWorker' in nav),
  });
}
