import { useBackend } from '../store/backendStore';
import { useConfig } from '../store/configStore';
import { planView } from '../store/memoryPlanView';

/**
 * The memory plan of the current config on the probed backend, shown next to Start before
 * anything is built: "batch 256 as 4 × 64 · estimated 3.3 GiB of 4.0 GiB", or why it does not fit.
 */
export function MemoryPlanLine() {
  const config = useConfig((s) => (s.ok ? s.config : null));
  const probe = useBackend((s) => s.worker);
  const view = planView(config, probe);
  if (!view) return null;
  return (
    <p className={`memory-plan${view.fits ? '' : ' over'}`} data-testid="memory-plan" data-fits={view.fits}>
      {view.text}
    </p>
  );
}
