/**
 * Imports a run bundle (or a bare safetensors file) in the bundle import worker
 * (src/io/bundle/importWorker.ts): the File objects go to the worker unread, so nothing is
 * read, inflated or parsed on the page's main thread. Progress while it works; Cancel
 * terminates the worker, so even a stuck parse stops at once. `start` resolves with the
 * validated run, or null when cancelled or replaced; it rejects with the refusal.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import type { BundleImportReply, BundleImportRequest, TransferredRun } from '../../io/bundle/importProtocol';

export type BundleImportStatus = { state: 'idle' } | { state: 'running'; stage: string; fraction: number } | { state: 'cancelled' };

/** A refusal from the worker: the ImportError's message, code and (for a budget) the limit. */
export class BundleImportError extends Error {
  constructor(
    message: string,
    readonly code: string,
    readonly limit?: string,
  ) {
    super(message);
  }
}

export function useBundleImport() {
  const [status, setStatus] = useState<BundleImportStatus>({ state: 'idle' });
  const current = useRef<{ worker: Worker; settle: (run: TransferredRun | null) => void } | null>(null);

  const stop = useCallback(() => {
    const c = current.current;
    current.current = null;
    c?.worker.terminate();
    c?.settle(null);
  }, []);

  const cancel = useCallback(() => {
    stop();
    setStatus({ state: 'cancelled' });
  }, [stop]);

  useEffect(() => stop, [stop]);

  const start = useCallback(
    (file: File, configFile?: File): Promise<TransferredRun | null> => {
      stop();
      setStatus({ state: 'running', stage: 'starting', fraction: 0 });
      return new Promise<TransferredRun | null>((resolve, reject) => {
        const worker = new Worker(new URL('../../io/bundle/importWorker.ts', import.meta.url), { type: 'module', name: 'bundle-import' });
        const mine = { worker, settle: resolve };
        current.current = mine;
        const finish = () => {
          worker.terminate();
          if (current.current === mine) current.current = null;
          setStatus({ state: 'idle' });
        };
        worker.onmessage = (ev: MessageEvent<BundleImportReply>) => {
          if (current.current !== mine) return;
          const m = ev.data;
          if (m.type === 'progress') return setStatus({ state: 'running', stage: m.stage, fraction: m.fraction });
          finish();
          if (m.type === 'done') resolve(m.run);
          else reject(new BundleImportError(m.message, m.code, m.breach?.limit));
        };
        worker.onerror = (e) => {
          if (current.current !== mine) return;
          finish();
          reject(new BundleImportError(`the import worker failed: ${e.message}`, 'internal'));
        };
        const request: BundleImportRequest = { type: 'import', file, configFile };
        worker.postMessage(request);
      });
    },
    [stop],
  );

  return { status, start, cancel };
}
