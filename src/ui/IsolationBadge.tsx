import { isolationStatus } from '../infer/isolation';

/** Whether onnxruntime-web's wasm gets threads here, and why (server headers, the service worker, or neither). */
export function IsolationBadge() {
  const s = isolationStatus();
  return (
    <span
      className={`badge ${s.isolated ? 'badge-gpu' : 'badge-software'}`}
      data-testid="isolation-badge"
      data-isolated={String(s.isolated)}
      data-how={s.how}
      role="status"
    >
      {s.summary}
    </span>
  );
}
