import { Fragment, useEffect, useMemo, useState } from 'react';
import type { RunConfig } from '../../config';
import type { MetricName } from '../../io/metrics';
import { isActive, trainingClient, useTraining } from '../../store/trainingStore';
import { summarizeRun } from '../../store/runSummary';
import { ConfigDiffTable } from './ConfigDiffTable';
import { ImportRun } from './ImportRun';
import { ResumeEditor } from './ResumeEditor';
import { RunNotesEditor } from './RunNotesEditor';
import { ChartCard } from '../charts/ChartCard';
import { formatNumber } from '../charts/chartData';
import { MetricChart, PALETTE, type SeriesSpec } from '../charts/MetricChart';

const OVERLAY_METRICS: [MetricName, string][] = [
  ['taskLoss', 'train loss'],
  ['valLoss', 'validation loss'],
  ['trainAccuracy', 'train accuracy'],
  ['valAccuracy', 'validation accuracy'],
  ['tokensPerSec', 'tokens/s'],
  ['proxyCosine', 'landmark/proxy cosine'],
];

interface Row {
  runId: string;
  /** The name the user gave it, else the run's own. */
  name: string;
  notes: string;
  config: RunConfig;
  variant: string;
  step: number;
  bestVal: number;
  test: number;
  state: string;
  saved: boolean;
  /** Started or resumed in this page (else only saved: Resume continues it). */
  inPage: boolean;
}

/** The run list (this page's runs and the saved ones) and overlaid curves of the selected runs. */
export function RunsPanel() {
  const sessionRuns = useTraining((s) => s.sessionRuns);
  const savedRuns = useTraining((s) => s.savedRuns);
  const evals = useTraining((s) => s.evals);
  const version = useTraining((s) => s.metricsVersion);
  const current = useTraining((s) => s.runId);
  const runState = useTraining((s) => s.runState);
  const client = trainingClient();
  const [selected, setSelected] = useState<string[]>([]);
  const [metric, setMetric] = useState<MetricName>('taskLoss');
  const [loadError, setLoadError] = useState<string | null>(null);
  const [editing, setEditing] = useState<string | null>(null);
  const [resuming, setResuming] = useState<string | null>(null);
  const runsError = useTraining((s) => s.runsError);
  useEffect(() => {
    if (!isActive(runState)) client.listRuns();
  }, [runState, client]);

  // biome-ignore lint/correctness/useExhaustiveDependencies: version: the buffer is mutated outside React, and the version says when it grew
  const rows: Row[] = useMemo(() => {
    const out = new Map<string, Row>();
    for (const r of savedRuns) {
      out.set(r.runId, {
        runId: r.runId,
        name: r.label ?? r.name,
        notes: r.notes ?? '',
        config: r.config,
        variant: `${r.config.task} · ${r.config.attention}`,
        step: r.step,
        bestVal: r.bestValAccuracy ?? NaN,
        test: r.testAccuracy ?? NaN,
        state: r.state,
        saved: true,
        inPage: false,
      });
    }
    for (const r of sessionRuns) {
      const sum = summarizeRun(client.metrics(r.runId), evals[r.runId]);
      const prev = out.get(r.runId);
      // A resumed run's saved best counts too: evaluations in this page never lower it.
      const bests = [sum.bestValAccuracy, prev?.bestVal ?? Number.NaN].filter(Number.isFinite);
      out.set(r.runId, {
        runId: r.runId,
        // A label the user gave wins; else the name this page started it under (saved summaries carry the run id).
        name: savedRuns.find((x) => x.runId === r.runId)?.label ?? r.name,
        notes: prev?.notes ?? '',
        config: r.config,
        variant: `${r.config.task} · ${r.config.attention}`,
        step: sum.steps,
        bestVal: bests.length > 0 ? Math.max(...bests) : Number.NaN,
        test: sum.testAccuracy,
        state: r.runId === current ? runState : (prev?.state ?? 'stopped'),
        saved: prev !== undefined,
        inPage: true,
      });
    }
    return [...out.values()];
  }, [savedRuns, sessionRuns, evals, version, current, runState]);

  const series: SeriesSpec[] = selected
    .filter((id) => client.hasMetrics(id))
    .map((id, i) => ({
      buffer: client.metrics(id),
      metric,
      label: rows.find((r) => r.runId === id)?.name ?? id,
      colour: PALETTE[i % PALETTE.length],
    }));
  const toggle = (id: string) => {
    if (selected.includes(id)) {
      setSelected((s) => s.filter((x) => x !== id));
      return;
    }
    setLoadError(null);
    if (rows.find((r) => r.runId === id)?.inPage) {
      setSelected((s) => [...s, id]);
      return;
    }
    // A saved run's curves come from its checkpoint the first time it is ticked.
    client.loadSavedMetrics(id).then(
      () => setSelected((s) => (s.includes(id) ? s : [...s, id])),
      (e: Error) => setLoadError(e.message),
    );
  };
  const busy = isActive(runState);
  const savedOf = (id: string) => savedRuns.find((x) => x.runId === id);

  return (
    <section className="panel" aria-labelledby="runs-h">
      <h2 id="runs-h">Runs</h2>
      <ImportRun />
      {rows.length === 0 ? (
        <p className="help">No runs yet. Runs started here and runs saved in this browser (IndexedDB checkpoints) appear here.</p>
      ) : (
        <div className="table-wrap">
          <table className="table" data-testid="run-list">
            <thead>
              <tr>
                <th scope="col">compare</th>
                <th scope="col">run</th>
                <th scope="col">task · attention</th>
                <th scope="col">step</th>
                <th scope="col">best val acc</th>
                <th scope="col">test acc</th>
                <th scope="col">state</th>
                <th scope="col">
                  <span className="sr-only">actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => (
                <Fragment key={r.runId}>
                  <tr>
                    <td>
                      <input
                        type="checkbox"
                        checked={selected.includes(r.runId)}
                        onChange={() => toggle(r.runId)}
                        aria-label={`Compare ${r.name}`}
                        title={r.inPage ? '' : 'Its curves are read from its saved checkpoint'}
                      />
                    </td>
                    <td title={r.runId}>
                      {r.name}
                      {r.notes && (
                        <span className="run-notes muted" title={r.notes}>
                          {r.notes}
                        </span>
                      )}
                    </td>
                    <td>{r.variant}</td>
                    <td>{r.step}</td>
                    <td>{formatNumber(r.bestVal, '%')}</td>
                    <td>{formatNumber(r.test, '%')}</td>
                    <td>{r.state}</td>
                    <td className="actions">
                      {r.saved && !r.inPage && (
                        <button
                          type="button"
                          className="small"
                          disabled={busy}
                          onClick={() => setResuming(resuming === r.runId ? null : r.runId)}
                          aria-label={`Resume ${r.name}…`}
                        >
                          Resume…
                        </button>
                      )}
                      <button
                        type="button"
                        className="small"
                        disabled={!r.saved}
                        title={r.saved ? 'Rename the run and write notes on it' : 'A run can be renamed once its first checkpoint is saved'}
                        onClick={() => setEditing(editing === r.runId ? null : r.runId)}
                        aria-label={`Rename ${r.name} or edit its notes`}
                      >
                        Rename
                      </button>
                      {r.saved && r.runId !== current && (
                        <button
                          type="button"
                          className="small"
                          disabled={busy}
                          onClick={() => client.deleteRun(r.runId)}
                          aria-label={`Delete saved run ${r.name}`}
                        >
                          Delete
                        </button>
                      )}
                    </td>
                  </tr>
                  {resuming === r.runId && savedOf(r.runId) && (
                    <tr>
                      <td colSpan={8}>
                        <ResumeEditor
                          name={r.name}
                          savedLr={savedOf(r.runId)!.config.lr}
                          onCancel={() => setResuming(null)}
                          onResume={(overrides) => {
                            setResuming(null);
                            client.resumeSaved(savedOf(r.runId)!, overrides);
                          }}
                        />
                      </td>
                    </tr>
                  )}
                  {editing === r.runId && (
                    <tr>
                      <td colSpan={8}>
                        <RunNotesEditor
                          label={r.name}
                          notes={r.notes}
                          onCancel={() => setEditing(null)}
                          onSave={(label, notes) => {
                            client.annotateRun(r.runId, { label, notes });
                            setEditing(null);
                          }}
                        />
                      </td>
                    </tr>
                  )}
                </Fragment>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {runsError && (
        <p className="msg-error" role="alert">
          The run could not be renamed: {runsError}
        </p>
      )}
      {loadError && (
        <p className="msg-error" role="alert">
          {loadError}
        </p>
      )}
      <div className="panel-head">
        <label className="inline">
          Overlay{' '}
          <select value={metric} onChange={(e) => setMetric(e.currentTarget.value as MetricName)}>
            {OVERLAY_METRICS.map(([m, l]) => (
              <option key={m} value={m}>
                {l}
              </option>
            ))}
          </select>
        </label>
        <span className="muted">
          {series.length === 0 ? 'tick runs to compare their curves' : `${series.length} run${series.length > 1 ? 's' : ''}`}
        </span>
      </div>
      {series.length > 0 && (
        <ChartCard title={`Compare: ${OVERLAY_METRICS.find(([m]) => m === metric)?.[1]}`} name={`compare-${metric}`}>
          <MetricChart series={series} version={version} smoothing={0.6} log={false} unit={metric.endsWith('Accuracy') ? '%' : ''} />
        </ChartCard>
      )}
      <ConfigDiffTable runs={selected.flatMap((id) => rows.filter((r) => r.runId === id))} />
    </section>
  );
}
