import { BlockPattern } from './BlockPattern';
import { LshViews } from './LshViews';
import { useEffect, useMemo } from 'react';
import { liveViews, useLiveViews } from '../../store/liveViews';
import { trainingClient, useTraining } from '../../store/trainingStore';
import { ChartCard } from '../charts/ChartCard';
import { formatNumber, hasValues } from '../charts/chartData';
import { MetricChart } from '../charts/MetricChart';
import { viewRequest } from '../useCommands';
import { finiteRange } from './colormap';
import { Heatmap } from './Heatmap';
import { HeatmapGrid } from './HeatmapGrid';
import { ScaleModeSelect, ViewsFigure } from './heatmapOptions';
import { absDiff, errorAgainst, linformerImplied } from './implied';
import type { AttentionViews } from '../../store/attentionViews';
import { K3OverInput, ResidualChart, SegmentStrip } from './ViewsExtras';
import { Provenance } from './Provenance';
import { useShownViews } from './LiveViewsPanel';
import { tokenAxisOf } from './tokenAxis';
import { ViewsSelect } from './ViewsSelect';

/** Attention views of one example, layer and head: the Nyström factors, redundancy, pseudo-inverse and approximation error. */
export function AttentionPanel() {
  const views = useShownViews();
  const error = useTraining((s) => s.viewsError);
  const pending = useTraining((s) => s.viewsPending);
  const runState = useTraining((s) => s.runState);
  const runId = useTraining((s) => s.runId);
  const version = useTraining((s) => s.metricsVersion);
  const live = liveViews(trainingClient);
  const example = useLiveViews(live, (s) => s.example);
  const split = useLiveViews(live, (s) => s.split);
  const layer = useLiveViews(live, (s) => s.layer);
  const head = useLiveViews(live, (s) => s.head);
  const client = trainingClient();
  const canRequest = runState === 'running' || runState === 'paused' || runState === 'finished';

  useEffect(() => {
    viewRequest.set({ example, split });
  }, [example, split]);

  const L = views?.heads.length ?? 0;
  const H = views?.heads[0]?.length ?? 0;
  const l = Math.min(layer, Math.max(0, L - 1));
  const h = Math.min(head, Math.max(0, H - 1));
  return (
    <section className="panel" aria-labelledby="views-h">
      <div className="panel-head">
        <h2 id="views-h">Attention views</h2>
        <ViewsSelect layers={L} heads={H} />
        <button type="button" onClick={() => client.requestViews(example, split)} disabled={!canRequest} aria-keyshortcuts="v">
          Refresh views{' '}
          {/* biome-ignore lint/a11y/noAriaHiddenOnFocusable: a <kbd> is not focusable (a false positive); the hint is hidden because aria-keyshortcuts announces the key */}
          <kbd aria-hidden="true">V</kbd>
        </button>
        <ScaleModeSelect />
      </div>
      {pending !== null && (
        <p className="muted" role="status">
          Computing views…
        </p>
      )}
      {error && (
        <p className="msg-error" role="alert">
          {error}
        </p>
      )}
      {!views && !error && (
        <p className="help">
          Start a run: while it trains, the worker runs one example through the model between steps every few seconds and sends back each
          layer’s and head’s attention factors (<b>Refresh views</b> asks at once, also while paused).
        </p>
      )}
      {views && (
        <ViewsFigure views={views} source={`run ${runId ?? '?'}, step ${views.step}, ${views.split} example ${views.example.index}`}>
          <ViewBody views={views} layer={l} head={h} />
        </ViewsFigure>
      )}
      {runId !== null && (
        <ChartCard
          title="Landmark / proxy redundancy over training"
          name="proxy-cosine"
          note={
            hasValues(client.metrics(runId), 'proxyCosine')
              ? 'Mean off-diagonal cosine similarity of the m landmarks or proxies (the paper’s redundancy analysis), as the worker logs it: lower means more diverse.'
              : 'Mean off-diagonal cosine similarity of the landmarks or proxies (mean over layers, heads, Q̃ and K̃), one point per views refresh (live while the run trains). Lower means more diverse.'
          }
        >
          <MetricChart
            series={[
              {
                buffer: hasValues(client.metrics(runId), 'proxyCosine') ? client.metrics(runId) : client.redundancy(runId),
                metric: 'proxyCosine',
                label: 'mean off-diagonal cosine',
                colour: '#CC79A7',
              },
            ]}
            version={version + (views?.step ?? 0)}
            smoothing={0}
            log={false}
            height={140}
          />
        </ChartCard>
      )}
      <Provenance />
    </section>
  );
}

function ViewBody({ views, layer, head }: { views: AttentionViews; layer: number; head: number }) {
  const v = views.heads[layer][head];
  const n = views.seqLen;
  const linformer = views.attention === 'linformer';
  const kernelVariant = views.attention === 'performer' || views.attention === 'linear';
  const word = views.attention === 'proxy' ? 'proxy' : linformer ? 'projected key' : 'landmark';
  const words = views.attention === 'proxy' ? 'proxies' : linformer ? 'projected keys' : 'landmarks';
  // Linformer's n × n stand-in for softmax: P·E on the unpadded positions (see implied.ts).
  const tokens = views.example.tokens;
  const implied = useMemo(
    () =>
      v.projectedAttention && v.linformerE && v.exact
        ? linformerImplied(v.projectedAttention, v.linformerE, (j) => j < tokens.length && tokens[j] !== 0)
        : undefined,
    [v, tokens],
  );
  const approx = v.approx ?? implied;
  const approxError = v.approxError ?? (implied && v.exact ? errorAgainst(v.exact, implied) : undefined);
  const errorRange = v.exact && approx ? finiteRange(v.exact.data) : undefined;
  const axis = useMemo(() => tokenAxisOf(views, n), [views, n]);
  const approxTitle = linformer
    ? 'P·E (implied)'
    : kernelVariant
      ? 'φ(Q)φ(K)ᵀ / rowsum'
      : views.attention === 'bigbird'
        ? 'block-sparse (computed rows)'
        : views.attention === 'reformer'
          ? 'LSH chunks (implied)'
          : 'K1·Z·K3';
  return (
    <div className="views" data-testid="views" data-attention={views.attention}>
      <p className="muted">
        Step {views.step} · {views.split} example {views.example.index} · label {views.example.label}
        {views.example.prediction !== undefined && <> · predicted {views.example.prediction}</>} · n = {n}
        {views.budget && (
          <>
            , {views.budget.name} = {views.budget.value}
          </>
        )}
      </p>
      {v.softmax && (
        <div className="view-block">
          <h3>Exact softmax attention</h3>
          <p className="help">
            softmax(QKᵀ/√d_h): row i is how token i spreads its attention over all n tokens. Quadratic in n; the ground truth every
            approximation is measured against.
          </p>
          <Heatmap
            matrix={v.softmax}
            title="softmax(QKᵀ/√d)"
            rowLabel="query token"
            colLabel="key token"
            testId="heatmap-softmax"
            rowTokens={axis}
            colTokens={axis}
          />
        </div>
      )}
      {(v.kernel1 || v.kernel2 || v.z || v.kernel3) && (
        <div className="view-block">
          <h3>The three kernels of the Nyström decomposition</h3>
          <p className="help">
            Attention ≈ K1 · Z · K3 with Z ≈ K2⁺. K1 = softmax(Q K̃ᵀ): each token’s attention over the m {words}. K2 = softmax(Q̃ K̃ᵀ): the{' '}
            {words} among themselves; Z is its iterative pseudo-inverse. K3 = softmax(Q̃ Kᵀ): each {word}’s attention over the tokens.
            {views.attention === 'proxy'
              ? ' In Proxyformer the landmarks are trainable proxy tokens (made input-aware by the injection module), not segment means.'
              : ' In Nyströmformer the landmarks Q̃, K̃ are segment means of Q and K.'}
          </p>
          <div className="heatmap-row">
            {v.kernel1 && (
              <Heatmap
                matrix={v.kernel1}
                title="K1: tokens → landmarks"
                rowLabel="token"
                colLabel={word}
                testId="heatmap-k1"
                rowTokens={axis}
              />
            )}
            {v.kernel2 && (
              <Heatmap matrix={v.kernel2} title="K2" rowLabel={`${word} (query)`} colLabel={`${word} (key)`} testId="heatmap-k2" />
            )}
            {v.z && <Heatmap matrix={v.z} title="Z ≈ K2⁺" rowLabel={word} colLabel={word} testId="heatmap-z" />}
            {v.kernel3 && (
              <Heatmap
                matrix={v.kernel3}
                title="K3: landmarks → tokens"
                rowLabel={word}
                colLabel="token"
                testId="heatmap-k3"
                colTokens={axis}
              />
            )}
          </div>
        </div>
      )}
      {v.blockPattern && <BlockPattern pattern={v.blockPattern} n={n} />}
      {v.lshBuckets && <LshViews buckets={v.lshBuckets} chunks={v.lshChunks} chunk={views.budget?.value} axis={axis} />}
      {(v.linformerE || v.projectedAttention) && (
        <div className="view-block">
          <h3>Linformer’s projection E and the n × k attention</h3>
          <p className="help">
            Linformer projects the n keys and values to k rows with a learned E ∈ R^(k×n) per head: K′ = E·K, V′ = E·V, and each token
            attends over those k projected keys, softmax(QK′ᵀ/√d_h). Row r of E says how much of each position goes into projected key r. E
            has one column per position, so the model is tied to its sequence length (n = {n}).
          </p>
          <div className="heatmap-row">
            {v.linformerE && (
              <Heatmap
                matrix={v.linformerE}
                title="E: positions → projected keys"
                rowLabel="projected key"
                colLabel="position"
                testId="heatmap-linformer-e"
                colTokens={axis}
              />
            )}
            {v.projectedAttention && (
              <Heatmap
                matrix={v.projectedAttention}
                title="softmax(QK′ᵀ/√d)"
                rowLabel="query token"
                colLabel="projected key"
                testId="heatmap-linformer-attention"
                rowTokens={axis}
              />
            )}
          </div>
        </div>
      )}
      {views.attention === 'nystrom' && views.landmarks > 0 && n % views.landmarks === 0 && (
        <div className="view-block">
          <h3>Where the landmarks sit</h3>
          <p className="help">
            Nyströmformer’s landmark j is the mean of the j-th of m equal segments ({n / views.landmarks} tokens each). Proxyformer’s
            proxies have no place in the sequence: they are learned.
          </p>
          <SegmentStrip n={n} m={views.landmarks} />
        </div>
      )}
      {views.heads.length * (views.heads[0]?.length ?? 0) > 1 && <HeatmapGrid views={views} word={word} />}
      {v.kernel3 && (
        <div className="view-block">
          <h3>Each {word}’s attention over the input (K3 rows)</h3>
          <p className="help">
            What each {word} reads from this example: its row of K3 over the n positions,{' '}
            {views.imageSide
              ? 'drawn over the input picture, each scaled from its own minimum to its maximum (brighter = more weight).'
              : 'as a colour behind each token.'}
          </p>
          <K3OverInput task={views.task} kernel3={v.kernel3} tokens={views.example.tokens} imageSide={views.imageSide} />
        </div>
      )}
      {(v.queryCosine || v.keyCosine) && (
        <div className="view-block">
          <h3>Redundancy: cosine similarity of the {words}</h3>
          <p className="help">
            Entry (i, j) is the cosine similarity of {word}s i and j, on the query side (Q̃) and the key side (K̃). Mean off-diagonal value: Q̃{' '}
            <b data-testid="mean-off-diagonal">{formatNumber(v.queryMeanOffDiagonal ?? NaN)}</b>, K̃{' '}
            <b>{formatNumber(v.keyMeanOffDiagonal ?? NaN)}</b>. Redundant {words} (values near 1) waste the rank of the approximation;
            Proxyformer’s contrastive loss is meant to push them apart.
            {linformer && ' Linformer has only the key side: the k projected keys E·K.'}
          </p>
          <div className="heatmap-row">
            {v.queryCosine && (
              <Heatmap
                matrix={v.queryCosine}
                title="cosine of Q̃"
                rowLabel={word}
                colLabel={word}
                testId="heatmap-qcosine"
                range={{ lo: -1, hi: 1 }}
              />
            )}
            {v.keyCosine && (
              <Heatmap
                matrix={v.keyCosine}
                title="cosine of K̃"
                rowLabel={word}
                colLabel={word}
                testId="heatmap-kcosine"
                range={{ lo: -1, hi: 1 }}
              />
            )}
          </div>
        </div>
      )}
      {v.pinvResidual && v.pinvResidual.length > 0 && (
        <div className="view-block">
          <h3>Pseudo-inverse residual</h3>
          <p className="help">
            ‖I − K2·Z‖ after each iteration of Z ← ¼Z(13I − K2Z(15I − K2Z(7I − K2Z))), from the initial Z0. A residual that does not fall
            means Z is a poor inverse and the approximation suffers.
          </p>
          <ResidualChart residual={v.pinvResidual} />
        </div>
      )}
      {v.exact && approx && (
        <div className="view-block">
          <h3>Exact softmax beside {linformer || kernelVariant ? 'the attention it stands in for' : 'its approximation'}</h3>
          <p className="help">
            For n ≤ 1024: the exact softmax attention of this head’s Q and K,{' '}
            {linformer
              ? 'Linformer’s implied n × n matrix P·E (the weights its output puts on each value row; rows need not sum to 1, entries can be negative)'
              : kernelVariant
                ? `the kernel’s implied n × n attention φ(Q)φ(K)ᵀ with each row divided by its sum (${views.attention === 'performer' ? 'Performer’s random features' : 'φ = elu + 1; the LRA code’s linear attention does not divide by the row sums, so this is the shape of its weights, normalised to compare with softmax'}; never formed when training, which is what makes it linear in n)`
                : 'the approximation K1·Z·K3'}
            , and their absolute difference (same colour scale for the first two).
            {approxError && (
              <>
                {' '}
                Max |error| <b data-testid="approx-max-error">{formatNumber(approxError.maxAbs)}</b>, relative Frobenius error{' '}
                <b data-testid="approx-rel-error">{formatNumber(approxError.relFrobenius)}</b>.
              </>
            )}
          </p>
          <div className="heatmap-row">
            <Heatmap
              matrix={v.exact}
              title="exact softmax"
              rowLabel="query token"
              colLabel="key token"
              range={errorRange}
              testId="heatmap-exact"
              rowTokens={axis}
              colTokens={axis}
            />
            <Heatmap
              matrix={approx}
              title={approxTitle}
              rowLabel="query token"
              colLabel="key token"
              range={errorRange}
              testId="heatmap-approx"
              rowTokens={axis}
              colTokens={axis}
            />
            <Heatmap
              matrix={absDiff(v.exact, approx)}
              title="|exact − approx|"
              rowLabel="query token"
              colLabel="key token"
              testId="heatmap-error"
              rowTokens={axis}
              colTokens={axis}
            />
          </div>
        </div>
      )}
    </div>
  );
}
