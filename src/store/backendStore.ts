/** What the page and its worker can run on, probed once at start-up (a vanilla zustand store). */
import { createStore } from 'zustand/vanilla';
import { useStore } from 'zustand';
import { probeBackend, type BackendProbe } from '../engine/webgpu/probe';

export interface BackendState {
  page: BackendProbe | 'probing';
  worker: BackendProbe | 'probing';
}

export const backendStore = createStore<BackendState>(() => ({ page: 'probing', worker: 'probing' }));

export function useBackend<T>(select: (s: BackendState) => T): T {
  return useStore(backendStore, select);
}

function probeInWorker(): Promise<BackendProbe> {
  return new Promise((resolve) => {
    const worker = new Worker(new URL('../engine/webgpu/probe.worker.ts', import.meta.url), { type: 'module', name: 'backend-probe' });
    worker.onmessage = (ev: MessageEvent<BackendProbe>) => {
      resolve(ev.data);
      worker.terminate();
    };
    worker.onerror = (ev) => {
      resolve({ kind: 'cpu', label: 'CPU reference backend', reason: `the worker failed to start: ${ev.message}` });
      worker.terminate();
    };
  });
}

/** Probe the page and a worker; results land in the store (and on window for end-to-end tests). */
export async function probeBackends(): Promise<void> {
  const [page, worker] = await Promise.all([probeBackend(), probeInWorker()]);
  backendStore.setState({ page, worker });
  (globalThis as { __playground?: unknown }).__playground = { backend: { page, worker } };
}
