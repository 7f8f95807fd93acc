import { useBackend } from '../store/backendStore';

/** The visible statement of what actually runs: adapter name, software or not, or the CPU fallback and why. */
export function BackendBadge() {
  const page = useBackend((s) => s.page);
  const worker = useBackend((s) => s.worker);
  if (page === 'probing' || worker === 'probing') {
    return (
      <span className="badge badge-probing" data-testid="backend-badge" data-state="probing" role="status">
        Probing WebGPU…
      </span>
    );
  }
  // Training runs in the worker, so the worker's result is the one that matters.
  const probe = worker;
  if (probe.kind === 'webgpu') {
    const title = [
      `${probe.report.vendor} ${probe.report.architecture} ${probe.report.description}`.trim(),
      `self-test: ${probe.selfTest.n} elements, max error ${probe.selfTest.maxAbsError}`,
      `kernel timing: ${probe.timestampQuery ? 'available (timestamp-query)' : 'not available'}`,
      `page: ${page.label}`,
    ].join('\n');
    return (
      <span
        className={`badge ${probe.report.isFallback ? 'badge-software' : 'badge-gpu'}`}
        data-testid="backend-badge"
        data-state="webgpu"
        role="status"
        title={title}
      >
        {probe.label}
      </span>
    );
  }
  return (
    <span className="badge badge-cpu" data-testid="backend-badge" data-state="cpu" role="status" title={probe.reason}>
      No WebGPU · training runs on the CPU reference backend (quick presets only)
      <small className="badge-reason">{probe.reason}</small>
    </span>
  );
}
