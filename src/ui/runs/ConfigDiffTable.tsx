import type { RunConfig } from '../../config';
import { configDiff } from '../../store/configDiff';

/** The settings in which the selected runs differ (only those keys), one column per run. */
export function ConfigDiffTable({ runs }: { runs: { name: string; config: RunConfig }[] }) {
  if (runs.length < 2) return null;
  const rows = configDiff(runs.map((r) => r.config));
  return (
    <div className="table-wrap" data-testid="config-diff">
      {rows.length === 0 ? (
        <p className="help">The selected runs have the same configuration.</p>
      ) : (
        <table className="table">
          <caption>Configuration differences ({rows.length})</caption>
          <thead>
            <tr>
              <th scope="col">setting</th>
              {runs.map((r, i) => (
                <th key={i} scope="col">
                  {r.name}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {rows.map((row) => (
              <tr key={row.key} data-key={row.key}>
                <th scope="row" title={row.key}>
                  {row.label}
                </th>
                {row.values.map((v, i) => (
                  <td key={i}>{v}</td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
