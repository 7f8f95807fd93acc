import { useDeferredValue, useMemo, useState } from 'react';
import { MetricsBuffer } from '../../io/metrics';
import { trainingClient, useTraining } from '../../store/trainingStore';
import { ChartCard } from './ChartCard';
import { formatNumber, hasValues, meanOf } from './chartData';
import { AdapterKernelsNote } from './AdapterKernelsNote';
import { KernelTable } from './KernelTable';
import { MemoryChart } from './MemoryChart';
import { MetricChart, PALETTE, type SeriesSpec } from './MetricChart';

const EMPTY = new MetricsBuffer(16);
/** Spacing of the charts' refreshes (ms): more than a frame, so each re-renders in its own. */
const STAGGER_MS = 35;

/** The live charts of the current run (TensorBoard's smoothing and log scale apply to all). */
export function ChartsPanel() {
  const runId = useTraining((s) => s.runId);
  // Deferred: the charts re-render in an interruptible background render, so a refresh never
  // blocks the main thread for a long task while the worker streams metrics.
  const version = useDeferredValue(useTraining((s) => s.metricsVersion));
  const kernels = useTraining((s) => s.kernels);
  const timing = useTraining((s) => s.backend?.timestampQuery ?? null);
  const adapter = useTraining((s) => s.backend?.adapter);
  const attention = useTraining((s) => s.runConfig?.attention ?? null);
  const totalSteps = useTraining((s) => (s.runId === null ? undefined : s.totalSteps || undefined));
  const [smoothing, setSmoothing] = useState(0.6);
  const [log, setLog] = useState(false);
  const buffer = runId === null ? EMPTY : trainingClient().metrics(runId);
  const s = (metric: SeriesSpec['metric'], label: string, i: number): SeriesSpec => ({ buffer, metric, label, colour: PALETTE[i] });
  // biome-ignore lint/correctness/useExhaustiveDependencies: s is remade every render from buffer, the one input
  const series = useMemo(
    () => ({
      loss: [s('taskLoss', 'train', 0), s('valLoss', 'validation', 1)],
      accuracy: [s('trainAccuracy', 'train', 0), s('valAccuracy', 'validation', 1)],
      contrastive: [s('contrastiveLoss', 'contrastive', 2)],
      lr: [s('lr', 'learning rate', 3)],
      tokens: [s('tokensPerSec', 'tokens/s', 0)],
      ms: [
        s('msPerStep', 'wall', 7),
        s('gpuMsForward', 'GPU forward', 0),
        s('gpuMsBackward', 'GPU backward', 1),
        s('gpuMsOptimizer', 'GPU optimizer', 2),
      ],
    }),
    [buffer],
  );
  const phases = hasValues(buffer, 'gpuMsForward') || hasValues(buffer, 'gpuMsBackward');
  const common = { version, smoothing, log, xMax: totalSteps };
  return (
    <section className="panel" aria-labelledby="charts-h">
      <div className="panel-head">
        <h2 id="charts-h">Training curves</h2>
        <label className="inline" title="Training curves only: validation is a few points, each already a mean, drawn as they are">
          Smoothing{' '}
          <input
            type="range"
            min={0}
            max={0.99}
            step={0.01}
            value={smoothing}
            onChange={(e) => setSmoothing(Number(e.currentTarget.value))}
            aria-valuetext={smoothing.toFixed(2)}
          />
          <output>{smoothing.toFixed(2)}</output>
        </label>
        <label className="inline">
          <input type="checkbox" checked={log} onChange={(e) => setLog(e.currentTarget.checked)} /> log scale
        </label>
      </div>
      <div className="chart-grid">
        <ChartCard title="Loss" name="loss" testId="chart-loss">
          <MetricChart series={series.loss} {...common} stagger={0 * STAGGER_MS} />
        </ChartCard>
        <ChartCard title="Accuracy" name="accuracy">
          <MetricChart series={series.accuracy} {...common} stagger={1 * STAGGER_MS} unit="%" />
        </ChartCard>
        <ChartCard
          title="Throughput"
          name="throughput"
          note={`Mean ${formatNumber(meanOf(buffer, 'tokensPerSec'))} tokens/s, ${formatNumber(meanOf(buffer, 'seqsPerSec'))} sequences/s.`}
        >
          <MetricChart series={series.tokens} {...common} stagger={4 * STAGGER_MS} />
        </ChartCard>
        <ChartCard
          title="GPU memory by category"
          name="memory"
          note="Bytes in the engine's buffer pool by category, stacked: at the peak (mid-step, while activations and scratch are live) or between steps (what stays allocated). The dashed line is the peak."
        >
          <MemoryChart buffer={buffer} version={version} stagger={6 * STAGGER_MS} xMax={totalSteps} />
        </ChartCard>
        <ChartCard
          title="Contrastive loss"
          name="contrastive"
          note={
            attention !== null && attention !== 'proxy'
              ? 'Only Proxyformer has a contrastive loss.'
              : 'Proxyformer’s loss against redundant proxies (its form is our reading), before the weight λ.'
          }
        >
          <MetricChart series={series.contrastive} {...common} stagger={2 * STAGGER_MS} />
        </ChartCard>
        <ChartCard
          title="Learning rate"
          name="lr"
          note="One-cycle schedule (warm-up, then linear decay), as the LRA code runs it; never smoothed."
        >
          <MetricChart series={series.lr} {...common} stagger={3 * STAGGER_MS} smoothing={0} />
        </ChartCard>
        <ChartCard
          title="Milliseconds per step"
          name="ms-per-step"
          note={
            phases
              ? 'Wall time per step and GPU time per phase (timestamp queries).'
              : 'GPU time per phase: not available (no timestamp-query on this adapter, or not reported); wall time only.'
          }
        >
          <MetricChart series={series.ms} {...common} stagger={5 * STAGGER_MS} />
        </ChartCard>
        <figure className="chart-card">
          <figcaption>
            <span className="chart-title">Kernels</span>
          </figcaption>
          <KernelTable kernels={kernels} timing={timing} adapter={adapter} />
          <AdapterKernelsNote adapter={adapter} />
        </figure>
      </div>
    </section>
  );
}
