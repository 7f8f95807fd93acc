/** An import's progress (stage and bar) and its Cancel button, while the bundle import worker works. */
import type { BundleImportStatus } from './useBundleImport';

export function ImportProgress({ status, onCancel }: { status: BundleImportStatus; onCancel: () => void }) {
  if (status.state !== 'running') return null;
  return (
    <div className="import-progress" role="status" data-testid="import-progress">
      <span>{status.stage}…</span> <progress max={1} value={status.fraction} />{' '}
      <button type="button" onClick={onCancel} data-testid="import-cancel">
        Cancel
      </button>
    </div>
  );
}
