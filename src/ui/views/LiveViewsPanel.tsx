import { useCallback, useDeferredValue, useMemo } from 'react';
import { liveViews, useLiveViews } from '../../store/liveViews';
import { VIEWS_SHARE } from '../../store/livePacing';
import { trainingClient, useTraining } from '../../store/trainingStore';
import type { AttentionViews } from '../../store/attentionViews';
import { Heatmap } from './Heatmap';
import { ViewsFigure } from './heatmapOptions';
import { HistoryChart } from './HistoryChart';
import { keyFactors } from './keyFactors';
import { ProxyOverInput } from './ProxyOverInput';
import { Scrubber } from './Scrubber';
import { tokenAxisOf } from './tokenAxis';
import { ViewsSelect } from './ViewsSelect';
import { SegmentStrip } from './ViewsExtras';

const NO_SNAPSHOTS: AttentionViews[] = [];

/** The views the page shows now: the scrubbed snapshot, or the latest reply. */
export function useShownViews(): AttentionViews | null {
  const live = liveViews(trainingClient);
  const latest = useTraining((s) => s.views);
  const runId = useTraining((s) => s.runId);
  const snapshots = useLiveViews(live, (s) => (runId === null ? NO_SNAPSHOTS : (s.snapshots[runId] ?? NO_SNAPSHOTS)));
  const scrub = useLiveViews(live, (s) => s.scrub);
  // Deferred: a new map renders in an interruptible background render, never a long task.
  return useDeferredValue(scrub !== null && snapshots[scrub] ? snapshots[scrub] : latest);
}

/**
 * The dashboard's attention card: the selected variant's key factors for the chosen layer, head
 * and example, refreshed while the run trains (paced, pausable), the redundancy and
 * pseudo-inverse residual over training, one proxy's attention over the input, and the scrubber.
 */
export function LiveViewsPanel() {
  const live = liveViews(trainingClient);
  const runId = useTraining((s) => s.runId);
  const runName = useTraining((s) => s.sessionRuns.find((r) => r.runId === s.runId)?.name ?? s.runId ?? 'run');
  const error = useTraining((s) => s.viewsError);
  const views = useShownViews();
  const { layer, head, scrub } = useLiveViews(live, (s) => s);
  const snapshots = useLiveViews(live, (s) => (runId === null ? NO_SNAPSHOTS : (s.snapshots[runId] ?? NO_SNAPSHOTS)));
  const capacity = useLiveViews(live, (s) => (runId === null ? undefined : s.capacity[runId]));
  const history = useLiveViews(live, (s) => (runId === null ? undefined : s.history[runId]));
  const onScrub = useCallback((i: number | null) => live.scrubTo(i), [live]);
  const redundancy = useMemo(
    () => (history ?? []).flatMap((p) => (p.redundancy === undefined ? [] : [{ x: p.step, y: p.redundancy }])),
    [history],
  );
  const residual = useMemo(
    () => (history ?? []).flatMap((p) => (p.pinvResidual === undefined || !(p.pinvResidual > 0) ? [] : [{ x: p.step, y: p.pinvResidual }])),
    [history],
  );
  const L = views?.heads.length ?? 0;
  const H = views?.heads[0]?.length ?? 0;
  const l = Math.min(layer, Math.max(0, L - 1));
  const h = Math.min(head, Math.max(0, H - 1));
  const factors = views ? keyFactors(views, l, h) : [];
  const axis = useMemo(() => (views ? tokenAxisOf(views, views.seqLen) : undefined), [views]);
  const landmarks = views?.attention === 'nystrom' || views?.attention === 'proxy';
  return (
    <section className="panel live-views" aria-labelledby="live-views-h" data-testid="live-views">
      <div className="panel-head">
        <h2 id="live-views-h">Attention, live</h2>
        <LiveStatus />
      </div>
      <ViewsSelect layers={L} heads={H} />
      {error && (
        <p className="msg-error" role="alert">
          {error}
        </p>
      )}
      {!views && !error && (
        <p className="help">
          {runId === null
            ? 'Press Start: while the run trains, the worker runs one example through the model every few seconds and its attention factors appear here.'
            : 'Waiting for the first views of this run…'}
        </p>
      )}
      {views && (
        <>
          <p className="muted views-caption">
            Step {views.step} · {views.attention} · {views.split} example {views.example.index} · label {views.example.label} · n ={' '}
            {views.seqLen}
            {views.budget && `, ${views.budget.name} = ${views.budget.value}`}
          </p>
          {/* The figure's source and the matrices' kinds, for the scale modes and the exports' captions. */}
          <ViewsFigure views={views} source={`run ${runName}, step ${views.step}, ${views.split} example ${views.example.index}`}>
            <div className="heatmap-row live-maps">
              {factors.map((f) => (
                <Heatmap
                  key={f.key}
                  matrix={f.matrix}
                  title={f.title}
                  rowLabel={f.rowLabel}
                  colLabel={f.colLabel}
                  range={f.range}
                  size={factors.length > 2 ? 128 : 160}
                  testId={`live-${f.key}`}
                  rowTokens={f.tokenRows ? axis : undefined}
                  colTokens={f.tokenCols ? axis : undefined}
                />
              ))}
            </div>
          </ViewsFigure>
          {views.attention === 'nystrom' && views.landmarks > 0 && views.seqLen % views.landmarks === 0 && (
            <SegmentStrip n={views.seqLen} m={views.landmarks} />
          )}
          {landmarks && views.heads[l][h].kernel3 && <ProxyOverInput views={views} kernel3={views.heads[l][h].kernel3!} />}
        </>
      )}
      {runId !== null && (landmarks || redundancy.length > 0) && (
        <div className="history-row">
          <figure className="history">
            <figcaption title="Mean off-diagonal cosine similarity of the landmarks or proxies (all layers, heads, Q̃ and K̃): lower is more diverse">
              Redundancy (mean cosine)
            </figcaption>
            <HistoryChart points={redundancy} label="redundancy" colour="#CC79A7" height={80} testId="history-redundancy" />
          </figure>
          <figure className="history">
            <figcaption title="Mean over layers and heads of the last ‖I − K2·Z‖ of the iterative pseudo-inverse">
              pinv residual (log)
            </figcaption>
            <HistoryChart points={residual} label="pseudo-inverse residual" colour="#0072B2" height={80} log testId="history-pinv" />
          </figure>
        </div>
      )}
      {runId !== null && (
        <Scrubber snapshots={snapshots} scrub={scrub} capacity={capacity} onScrub={onScrub} layer={l} head={h} runName={runName} />
      )}
    </section>
  );
}

/** Pause / resume refreshing, and what the refreshes cost. */
function LiveStatus() {
  const live = liveViews(trainingClient);
  const on = useLiveViews(live, (s) => s.live);
  const pace = useLiveViews(live, (s) => s.pace);
  const interval = useLiveViews(live, (s) => s.intervalMs);
  const running = useTraining((s) => s.runState === 'running');
  return (
    <span className="live-status">
      <label className="inline">
        <input type="checkbox" checked={on} onChange={(e) => live.setLive(e.currentTarget.checked)} data-testid="live-toggle" /> refresh
        live
      </label>{' '}
      <span className="muted" data-testid="live-pace">
        {!on
          ? 'refreshing paused'
          : pace
            ? `views every ${Math.max(1, Math.round(pace.steps))} steps, ${(100 * pace.share).toFixed(1)} % of time`
            : running
              ? `views every ${(interval / 1000).toFixed(0)} s or more, at most ${100 * VIEWS_SHARE} % of time`
              : 'views refresh while a run trains'}
      </span>
    </span>
  );
}
