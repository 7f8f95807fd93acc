import { useEffect, useRef, useState } from 'react';
import { isActive, useTraining } from '../store/trainingStore';
import { ConfigPanel } from './config/ConfigPanel';
import { UserDataPanel } from './data/UserDataPanel';

/**
 * The configuration column. It folds away when a run starts, so the dashboard (curves beside the
 * live attention maps) gets the width, and opens again with one click; the form keeps its state
 * while folded (it stays mounted, only hidden).
 */
export function ConfigSide() {
  const active = useTraining((s) => isActive(s.runState));
  const [open, setOpen] = useState(true);
  const wasActive = useRef(active);
  useEffect(() => {
    if (active && !wasActive.current) setOpen(false);
    wasActive.current = active;
  }, [active]);
  return (
    <aside className={open ? 'side' : 'side collapsed'} data-testid="config-side">
      <button
        type="button"
        className="small side-toggle"
        onClick={() => setOpen(!open)}
        aria-expanded={open}
        aria-controls="config-body"
        title={open ? 'Fold the configuration away' : 'Show the configuration'}
      >
        {open ? '◂ Hide configuration' : 'Configuration ▸'}
      </button>
      <div id="config-body" hidden={!open}>
        <ConfigPanel />
        <UserDataPanel />
      </div>
    </aside>
  );
}
