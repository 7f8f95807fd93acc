import { useMemo, useState } from 'react';
import { liveViews, useLiveViews } from '../../store/liveViews';
import { trainingClient, useTraining } from '../../store/trainingStore';
import { nearestSnapshot } from '../../store/snapshotHistory';
import { Heatmap } from './Heatmap';
import { comparableFactors } from './keyFactors';
import { tokenAxisOf } from './tokenAxis';

/**
 * Two runs' maps side by side (for example Proxyformer against Nyströmformer on the same
 * example), at the same step (the nearest snapshot) or each run's latest, from the snapshots this
 * page kept while they trained.
 */
export function CompareViews() {
  const live = liveViews(trainingClient);
  const all = useLiveViews(live, (s) => s.snapshots);
  const layer = useLiveViews(live, (s) => s.layer);
  const head = useLiveViews(live, (s) => s.head);
  const sessionRuns = useTraining((s) => s.sessionRuns);
  const runs = sessionRuns.filter((r) => (all[r.runId]?.length ?? 0) > 0);
  const [chosenA, setA] = useState<string | null>(null);
  const [chosenB, setB] = useState<string | null>(null);
  const [same, setSame] = useState(true);
  const [factorKey, setFactor] = useState<string | null>(null);
  const a = runs.find((r) => r.runId === chosenA) ?? runs.at(-1);
  const b = runs.find((r) => r.runId === chosenB && r.runId !== a?.runId) ?? runs.filter((r) => r.runId !== a?.runId).at(-1);
  const va = a ? nearestSnapshot(all[a.runId], null) : undefined;
  const vb = b ? nearestSnapshot(all[b.runId], same && va ? va.step : null) : undefined;
  const sides = useMemo(() => {
    if (!va || !vb) return null;
    const fa = comparableFactors(va, Math.min(layer, va.heads.length - 1), Math.min(head, va.heads[0].length - 1));
    const fb = comparableFactors(vb, Math.min(layer, vb.heads.length - 1), Math.min(head, vb.heads[0].length - 1));
    const common = fa.filter((f) => fb.some((g) => g.key === f.key));
    return { fa, fb, common };
  }, [va, vb, layer, head]);
  if (runs.length < 2 || !a || !b || !va || !vb || !sides)
    return (
      <section className="panel" aria-labelledby="compare-h">
        <h2 id="compare-h">Compare two runs’ maps</h2>
        <p className="help">
          Train two runs in this page (for example the Proxyformer and the Nyströmformer quick presets): their maps appear here side by
          side, on the same example, at the same step or each at its latest.
        </p>
      </section>
    );
  const key = sides.common.some((f) => f.key === factorKey) ? factorKey : (sides.common[0]?.key ?? null);
  const pick = (list: typeof sides.fa) => list.find((f) => f.key === key);
  const runOptions = runs.map((r) => (
    <option key={r.runId} value={r.runId}>
      {r.name} ({r.config.attention})
    </option>
  ));
  return (
    <section className="panel" aria-labelledby="compare-h" data-testid="compare-views">
      <div className="panel-head">
        <h2 id="compare-h">Compare two runs’ maps</h2>
        <label className="inline">
          Left{' '}
          <select value={a.runId} onChange={(e) => setA(e.currentTarget.value)}>
            {runOptions}
          </select>
        </label>
        <label className="inline">
          Right{' '}
          <select value={b.runId} onChange={(e) => setB(e.currentTarget.value)}>
            {runOptions}
          </select>
        </label>
        <label className="inline">
          Map{' '}
          <select value={key ?? ''} onChange={(e) => setFactor(e.currentTarget.value)} disabled={sides.common.length === 0}>
            {sides.common.map((f) => (
              <option key={f.key} value={f.key}>
                {f.title}
              </option>
            ))}
          </select>
        </label>
        <label className="inline">
          <input type="checkbox" checked={same} onChange={(e) => setSame(e.currentTarget.checked)} /> same step
        </label>
      </div>
      {va.example.index !== vb.example.index || va.split !== vb.split ? (
        <p className="msg-notice">
          Different examples: {va.split} {va.example.index} on the left, {vb.split} {vb.example.index} on the right.
        </p>
      ) : null}
      {sides.common.length === 0 ? (
        <p className="help">These two variants share no map: pick two runs with the same kind of attention factors.</p>
      ) : (
        <div className="heatmap-row">
          {[
            { run: a, v: va, f: pick(sides.fa) },
            { run: b, v: vb, f: pick(sides.fb) },
          ].map(({ run, v, f }) =>
            f ? (
              <Heatmap
                key={run.runId}
                matrix={f.matrix}
                title={`${run.name} · step ${v.step}: ${f.title}`}
                rowLabel={f.rowLabel}
                colLabel={f.colLabel}
                range={f.range}
                testId={`compare-${run.runId === a.runId ? 'left' : 'right'}`}
                rowTokens={f.tokenRows ? tokenAxisOf(v, v.seqLen) : undefined}
                colTokens={f.tokenCols ? tokenAxisOf(v, v.seqLen) : undefined}
              />
            ) : null,
          )}
        </div>
      )}
    </section>
  );
}
