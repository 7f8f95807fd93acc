import { runProgress } from '../store/runProgress';
import { RECOVERY_LR_SCALE, trainingClient, useTraining } from '../store/trainingStore';
import { formatDuration } from '../train/eta';

/** Where the run stands: state, progress, backend, last checkpoint; failures and cold-change notices. */
export function RunStatus() {
  const s = useTraining((st) => st);
  const client = trainingClient();
  // The metrics version is part of `s`: a new row re-renders this line with its step.
  const p = runProgress(s, client.hasMetrics(s.runId) && s.runId !== null ? client.metrics(s.runId) : null);
  const timing = s.runState === 'running' || s.runState === 'paused';
  return (
    <div className="run-status">
      <div className="status-line" data-testid="run-state" data-state={s.runState}>
        <strong>{s.runState}</strong>
        <span>
          step {p.step} / {s.totalSteps || '–'}
        </span>
        <progress max={100} value={100 * p.fraction} aria-label="Training progress" />
        {timing && (
          <span data-testid="run-eta" title="Time left at the pace of the recent steps (not counting pauses, evaluations and checkpoints)">
            ETA {formatDuration(p.etaMs)}
          </span>
        )}
        {s.backend && (
          <span className="muted" title={s.backend.reason}>
            worker: {s.backend.label}
            {s.backend.kind === 'cpu' && s.backend.reason ? ` (${s.backend.reason})` : ''}
          </span>
        )}
        {s.lastCheckpoint && <span className="muted">checkpoint at step {s.lastCheckpoint.step}</span>}
        {s.stateMessage && <span className="muted">{s.stateMessage}</span>}
      </div>
      {s.workerError && (
        <p className="alert" role="alert">
          {s.workerError}
        </p>
      )}
      {s.failure && (
        <div className="alert" role="alert" data-testid="failure">
          <strong>{failureTitle(s.failure.kind)}</strong> at step {s.failure.step}: {s.failure.message}
          {s.failure.canResume && (
            <button type="button" onClick={() => client.recoverWithLowerLr()}>
              Resume from checkpoint{s.failure.lastCheckpointStep !== null ? ` (step ${s.failure.lastCheckpointStep})` : ''} with lr ×{' '}
              {RECOVERY_LR_SCALE}
            </button>
          )}
        </div>
      )}
      {s.coldNotice && (
        <p className="notice" role="status" data-testid="cold-notice">
          {s.coldNotice.message}{' '}
          <button type="button" className="link" onClick={() => client.dismissColdNotice()}>
            Dismiss
          </button>
        </p>
      )}
    </div>
  );
}

function failureTitle(kind: string): string {
  switch (kind) {
    case 'non-finite-loss':
      return 'Non-finite loss';
    case 'device-lost':
      return 'GPU device lost';
    case 'over-limit':
      return 'Model over the device limits';
    case 'invalid-config':
      return 'Invalid configuration';
    case 'storage-full':
      return 'Storage full';
    default:
      return 'Internal error';
  }
}
