import { CONFIG_KEYS, paramSpec } from '../../config';
import { VARIANT_NAMES } from '../../presets';

/** Which parts of each variant are its paper's words and which are our reading, straight from the schema. */
export function Provenance() {
  const keys = CONFIG_KEYS.filter((k) => paramSpec(k).provenance !== undefined);
  return (
    <details className="provenance">
      <summary>The papers’ words and our reading</summary>
      <p className="help">
        Lee, Lee &amp; Shin (AAAI 2024) describe Proxyformer’s proxies, input injection, contrastive loss and decomposed dropout in words;
        no code is public. Linformer and Performer follow the Nyströmformer authors’ LRA code where their papers leave a choice open. Each
        uncertain formula is a switch in the configuration.
      </p>
      <ul data-testid="provenance-list">
        {keys.map((k) => {
          const s = paramSpec(k);
          const variants = s.attention ? ` (${s.attention.map((a) => VARIANT_NAMES[a]).join(', ')})` : '';
          return (
            <li key={k} data-key={k}>
              <span className={`tag prov-${s.provenance!.source}`}>{s.provenance!.source === 'paper' ? 'paper' : 'our reading'}</span>{' '}
              <b>{s.label}</b>
              {variants}: {s.provenance!.note}
            </li>
          );
        })}
      </ul>
    </details>
  );
}
