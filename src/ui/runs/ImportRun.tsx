/**
 * "Continue from a bundle": a run bundle (or nothing else) is validated on the page by
 * `importRun` before anything changes; a bad file gets its message and the current run stays.
 */
import { useState } from 'react';
import { importRun } from '../../io/bundle/read';
import { isActive, trainingClient, useTraining } from '../../store/trainingStore';

export function ImportRun() {
  const runState = useTraining((s) => s.runState);
  const [message, setMessage] = useState<string | null>(null);
  const busy = isActive(runState);
  const onFile = async (file: File | undefined) => {
    if (!file) return;
    try {
      const run = importRun(new Uint8Array(await file.arrayBuffer()));
      const name = file.name.replace(/\.zip$/i, '');
      trainingClient().startFrom(
        { config: run.config, weights: run.weights, optimizer: run.optimizer, metricsCsv: run.metrics?.toCsv() ?? '' },
        name,
      );
      setMessage(
        `Continuing ${file.name} from step ${run.optimizer?.step ?? 0}${run.notices.length ? ` (notes: ${run.notices.join(' ')})` : ''}.`,
      );
    } catch (e) {
      setMessage(`${file.name} was not loaded: ${(e as Error).message}`);
    }
  };
  return (
    <div className="import-run">
      <label>
        Continue training from a bundle{' '}
        <input
          type="file"
          accept=".zip"
          disabled={busy}
          data-testid="import-run"
          onChange={(e) => void onFile(e.currentTarget.files?.[0])}
        />
      </label>
      {busy && <small> (stop the current run first)</small>}
      {message && (
        <p role="status" data-testid="import-run-message">
          {message}
        </p>
      )}
    </div>
  );
}
