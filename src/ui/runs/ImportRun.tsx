/**
 * "Continue from a bundle": a run bundle (or nothing else) is read and validated in the bundle
 * import worker (useBundleImport) before anything changes, within the import budget
 * (docs/imports.md); the page shows progress and a Cancel button meanwhile. A bad file gets
 * its message and the current run stays.
 */
import { useState } from 'react';
import { isActive, trainingClient, useTraining } from '../../store/trainingStore';
import { ImportProgress } from './ImportProgress';
import { useBundleImport } from './useBundleImport';

export function ImportRun() {
  const runState = useTraining((s) => s.runState);
  const [message, setMessage] = useState<string | null>(null);
  const importer = useBundleImport();
  const busy = isActive(runState);
  const onFile = async (file: File | undefined) => {
    if (!file) return;
    setMessage(null);
    try {
      const run = await importer.start(file);
      if (!run) return setMessage(`${file.name}: the import was cancelled; nothing changed.`);
      const name = file.name.replace(/\.zip$/i, '');
      trainingClient().startFrom(
        { config: run.config, weights: run.weights, optimizer: run.optimizer, metricsCsv: run.metricsCsv ?? '' },
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
          disabled={busy || importer.status.state === 'running'}
          data-testid="import-run"
          onChange={(e) => void onFile(e.currentTarget.files?.[0])}
        />
      </label>
      {busy && <small> (stop the current run first)</small>}
      <ImportProgress status={importer.status} onCancel={importer.cancel} />
      {message && (
        <p role="status" data-testid="import-run-message">
          {message}
        </p>
      )}
    </div>
  );
}
