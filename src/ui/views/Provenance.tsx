import { CONFIG_KEYS, paramSpec } from '../../config';

/** Which parts of Proxyformer are the paper's words and which are our reading, straight from the schema. */
export function Provenance() {
  const keys = CONFIG_KEYS.filter((k) => paramSpec(k).provenance !== undefined);
  return (
    <details className="provenance">
      <summary>Proxyformer: the paper’s words and our reading</summary>
      <p className="help">Lee, Lee &amp; Shin (AAAI 2024) describe proxies, input injection, a contrastive loss and decomposed dropout in words; no code is public. Each uncertain formula is a switch in the configuration.</p>
      <ul>
        {keys.map((k) => {
          const s = paramSpec(k);
          return (
            <li key={k}>
              <span className={`tag prov-${s.provenance!.source}`}>{s.provenance!.source === 'paper' ? 'paper' : 'our reading'}</span> <b>{s.label}</b>: {s.provenance!.note}
            </li>
          );
        })}
      </ul>
    </details>
  );
}
