import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './ui/App';
import './ui/app.css';
import { probeBackends } from './store/backendStore';

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
void probeBackends();

// Diagnostics for the end-to-end tests (and the curious): the engine's WebGPU checks against the
// CPU reference, in this browser. A separate chunk, loaded only when called.
(globalThis as { __engineChecks?: () => Promise<unknown> }).__engineChecks = () =>
  import('./engine/webgpu/testing/pageChecks').then((m) => m.runPageChecks());
