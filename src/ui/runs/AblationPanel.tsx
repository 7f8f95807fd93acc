import { useState } from 'react';
import { STUDIES, STUDY_NAMES, type StudyName } from '../../presets';
import { ablationRunner, useAblation } from '../../store/ablationStore';
import { useConfig } from '../../store/configStore';
import { isActive, useTraining } from '../../store/trainingStore';
import { formatNumber } from '../charts/chartData';

/**
 * The paper's studies for the form's task, sizes and seeds, run one after another, with a
 * results table: its ablation (RQ2) or its comparison of attention variants. Models of the
 * paper's table this project does not implement are listed as such, not left out.
 */
export function AblationPanel() {
  const items = useAblation((s) => s.items);
  const current = useAblation((s) => s.current);
  const ranStudy = useAblation((s) => s.study);
  const config = useConfig((s) => s.config);
  const ok = useConfig((s) => s.ok);
  const runState = useTraining((s) => s.runState);
  const [chosen, setChosen] = useState<StudyName>('ablation');
  const runner = ablationRunner();
  const running = current !== null;
  const study = STUDIES[chosen];
  const shown = STUDIES[items.length > 0 ? ranStudy : chosen];
  return (
    <section className="panel" aria-labelledby="ablation-h">
      <div className="panel-head">
        <h2 id="ablation-h">Studies</h2>
        <label className="inline">
          Study{' '}
          <select
            data-testid="study-select"
            value={chosen}
            disabled={running}
            onChange={(e) => setChosen(e.currentTarget.value as StudyName)}
          >
            {STUDY_NAMES.map((name) => (
              <option key={name} value={name}>
                {STUDIES[name].title}
              </option>
            ))}
          </select>
        </label>
        <button
          type="button"
          data-testid="ablation-start"
          disabled={!ok || running || isActive(runState)}
          onClick={() => runner.start(config, chosen)}
        >
          Run the study
        </button>
        <button type="button" disabled={!running} onClick={() => runner.cancel()}>
          Cancel
        </button>
      </div>
      <p className="help">
        {study.title} on this task with these sizes and seeds ({config.task}, {config.steps} steps, data seed {config.dataSeed}, init seed{' '}
        {config.initSeed}): {study.description} Trained one after another.
        {study.unavailable.length > 0 && <> Not yet available here: {study.unavailable.map((u) => u.label).join(' and ')}.</>}
      </p>
      {items.length > 0 && (
        <div className="table-wrap">
          <table className="table" data-testid="ablation-table" data-study={ranStudy}>
            <thead>
              <tr>
                <th scope="col">variant</th>
                <th scope="col">status</th>
                <th scope="col">best val acc</th>
                <th scope="col">test acc</th>
                <th scope="col">tokens/s</th>
                <th scope="col">seq/s</th>
                <th scope="col">ms/step</th>
                <th scope="col">peak memory</th>
              </tr>
            </thead>
            <tbody>
              {items.map((it) => (
                <tr key={it.ablation.name} data-status={it.status}>
                  <th scope="row" title={it.ablation.what}>
                    {it.ablation.label}
                  </th>
                  <td title={it.note ?? undefined}>
                    {it.status}
                    {it.note ? ` — ${it.note}` : ''}
                  </td>
                  <td>{formatNumber(it.result?.bestValAccuracy ?? NaN, '%')}</td>
                  <td>{formatNumber(it.result?.testAccuracy ?? NaN, '%')}</td>
                  <td>{formatNumber(it.result?.tokensPerSec ?? NaN)}</td>
                  <td>{formatNumber(it.result?.seqsPerSec ?? NaN)}</td>
                  <td>{formatNumber(it.result?.msPerStep ?? NaN)}</td>
                  <td>{formatNumber(it.result?.peakMemory ?? NaN, 'bytes')}</td>
                </tr>
              ))}
            </tbody>
            {shown.unavailable.length > 0 && (
              <tbody className="muted" data-testid="study-unavailable">
                {shown.unavailable.map((u) => (
                  <tr key={u.label} data-status="unavailable">
                    <th scope="row">{u.label}</th>
                    <td colSpan={7}>{u.note}</td>
                  </tr>
                ))}
              </tbody>
            )}
          </table>
        </div>
      )}
    </section>
  );
}
