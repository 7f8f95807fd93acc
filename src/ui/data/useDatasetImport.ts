/**
 * Runs one import in the import worker: progress while it parses, the result or refusal, and
 * Cancel (terminates the worker, so even a stuck parse stops at once). The file's bytes are
 * read asynchronously and transferred, so the main thread never parses anything.
 */
import { useCallback, useRef, useState } from 'react';
import type { ImportReply, ImportRequest } from '../../data/userData/protocol';

export type ImportState =
  | { state: 'idle' }
  | { state: 'running'; stage: string; fraction: number }
  | { state: 'error'; message: string }
  | { state: 'cancelled' }
  | (Extract<ImportReply, { type: 'done' }> & { state: 'done' });

export function useDatasetImport(onStored: () => void) {
  const [status, setStatus] = useState<ImportState>({ state: 'idle' });
  const worker = useRef<Worker | null>(null);

  const cancel = useCallback(() => {
    worker.current?.terminate();
    worker.current = null;
    setStatus({ state: 'cancelled' });
  }, []);

  const start = useCallback(
    async (file: File, options: Omit<ImportRequest, 'type' | 'fileName' | 'bytes'>, maxBytes: number) => {
      worker.current?.terminate();
      if (file.size > maxBytes) {
        // Refused before a byte is read.
        setStatus({
          state: 'error',
          message: `${file.name} is ${(file.size / 1048576).toFixed(1)} MiB; a dataset file may be at most ${(maxBytes / 1048576).toFixed(1)} MiB (maxFileBytes).`,
        });
        return;
      }
      setStatus({ state: 'running', stage: 'reading the file', fraction: 0 });
      const bytes = await file.arrayBuffer();
      const w = new Worker(new URL('../../train/datasetImportWorker.ts', import.meta.url), { type: 'module', name: 'dataset-import' });
      worker.current = w;
      w.onmessage = (ev: MessageEvent<ImportReply>) => {
        if (worker.current !== w) return;
        const m = ev.data;
        if (m.type === 'progress') setStatus({ state: 'running', stage: m.stage, fraction: m.fraction });
        else {
          w.terminate();
          worker.current = null;
          if (m.type === 'error') setStatus({ state: 'error', message: m.message });
          else {
            setStatus({ ...m, state: 'done' });
            onStored();
          }
        }
      };
      w.onerror = (e) => {
        w.terminate();
        worker.current = null;
        setStatus({ state: 'error', message: `the import worker failed: ${e.message}` });
      };
      const request: ImportRequest = { type: 'import', fileName: file.name, bytes, ...options };
      w.postMessage(request, [bytes]);
    },
    [onStored],
  );

  return { status, start, cancel };
}
