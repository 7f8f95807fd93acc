/**
 * Checkpoints of a trainer: read its weights and AdamW moments off the device and write them
 * with step, learning-rate scale, config and metrics (the file layout is checkpointFile.ts).
 * Restoring validates names and shapes against the model the config builds before anything is
 * loaded, so a wrong file never half-loads.
 */
import type { MetricsBuffer } from '../io/metrics';
import { parseCheckpoint, writeCheckpoint, type CheckpointContents } from './checkpointFile';
import type { CheckpointStore } from './store/types';
import type { RunExport } from './protocol';
import type { Trainer } from './trainer';

export { parseCheckpoint, writeCheckpoint, type CheckpointContents } from './checkpointFile';

export interface CheckpointExtra {
  /** Metrics so far (written as tensors, not into the header). */
  metrics?: MetricsBuffer;
  bestValAccuracy?: number | null;
}

const f32 = (d: Float32Array | Float64Array | Int32Array): Float32Array => (d instanceof Float32Array ? d : Float32Array.from(d));

/** A trainer's weights and AdamW moments, read off the device (by state_dict name, in parameter order). */
export interface TrainerState {
  weights: { name: string; shape: number[]; data: Float32Array }[];
  moments: { name: string; shape: number[]; m: Float32Array; v: Float32Array }[];
}

/** Read weights and AdamW moments (waits for the device once per tensor); checkpoints and exports share it. */
export async function readTrainerState(trainer: Trainer): Promise<TrainerState> {
  const weights = [...(await trainer.model.params.read())].map(([name, { shape, data }]) => ({ name, shape: [...shape], data: f32(data) }));
  const moments: TrainerState['moments'] = [];
  for (const { name, m, v } of trainer.optimizer.state()) {
    const [md, vd] = await Promise.all([m.read(), v.read()]);
    moments.push({ name, shape: [...m.shape], m: f32(md), v: f32(vd) });
  }
  return { weights, moments };
}

/** The run as the page exports it: weights, AdamW state and metrics, read off the device. */
export async function captureRunExport(trainer: Trainer, runId: string, metricsCsv: string): Promise<RunExport> {
  const { weights, moments } = await readTrainerState(trainer);
  return {
    runId,
    config: trainer.config,
    step: trainer.step,
    checkpoint: 'last',
    metricsCsv,
    weights: weights.map((w): [string, Float32Array] => [w.name, w.data]),
    optimizer: {
      step: trainer.optimizer.stepCount,
      expAvg: moments.map((x): [string, Float32Array] => [x.name, x.m]),
      expAvgSq: moments.map((x): [string, Float32Array] => [x.name, x.v]),
    },
  };
}

/** A saved checkpoint (the best-validation one) as the page exports it, with the run's metrics up to its step. */
export function runExportOfCheckpoint(runId: string, c: CheckpointContents, metrics: MetricsBuffer): RunExport {
  const rows: string[] = metrics.toCsv().trimEnd().split('\n');
  const upTo = [rows[0], ...rows.slice(1).filter((line) => Number(line.slice(0, line.indexOf(','))) <= c.step)];
  return {
    runId,
    config: c.config,
    step: c.step,
    checkpoint: 'best',
    metricsCsv: `${upTo.join('\n')}\n`,
    weights: [...c.weights],
    optimizer: {
      step: c.optimizerStep,
      expAvg: [...c.moments].map(([name, { m }]): [string, Float32Array] => [name, m]),
      expAvgSq: [...c.moments].map(([name, { v }]): [string, Float32Array] => [name, v]),
    },
  };
}

/** A run's best-validation checkpoint for export, or why there is none. */
export async function loadBestExport(store: CheckpointStore, runId: string, metrics: MetricsBuffer): Promise<RunExport | string> {
  const bytes = await store.load(runId, 'best');
  if (!bytes) return `run ${runId} has no best-validation checkpoint yet: it is saved at the first validation`;
  return runExportOfCheckpoint(runId, parseCheckpoint(bytes), metrics);
}

/** Read everything off the device and serialise it. */
export async function captureCheckpoint(trainer: Trainer, extra: CheckpointExtra = {}): Promise<Uint8Array> {
  const { weights, moments } = await readTrainerState(trainer);
  return writeCheckpoint({
    config: trainer.config,
    step: trainer.step,
    optimizerStep: trainer.optimizer.stepCount,
    lrScale: trainer.lrScale,
    weights,
    moments,
    metrics: extra.metrics,
    bestValAccuracy: extra.bestValAccuracy,
  });
}

/** Load parsed contents into a trainer built from the same config; checks every name and size first. */
export function restoreCheckpoint(trainer: Trainer, c: CheckpointContents): void {
  const problems: string[] = [];
  const params = trainer.model.params;
  for (const name of params.names()) {
    const p = params.get(name);
    const w = c.weights.get(name);
    if (!w) problems.push(`missing weight ${name}`);
    else if (w.length !== p.size) problems.push(`weight ${name} has ${w.length} values, the model needs ${p.size} [${p.shape.join(', ')}]`);
    if (params.isState(name)) continue; // not trained (Performer's features): no optimizer state
    const mom = c.moments.get(name);
    if (!mom) problems.push(`missing optimizer state of ${name}`);
    else if (mom.m.length !== p.size || mom.v.length !== p.size) problems.push(`optimizer state of ${name} has the wrong size`);
  }
  for (const name of c.weights.keys()) if (!params.has(name)) problems.push(`unexpected weight ${name}`);
  if (problems.length > 0)
    throw new Error(
      `checkpoint does not fit this model: ${problems.slice(0, 6).join('; ')}${problems.length > 6 ? `; and ${problems.length - 6} more` : ''}`,
    );
  for (const name of params.names()) params.load(name, c.weights.get(name)!);
  for (const { name, m, v } of trainer.optimizer.state()) {
    const mom = c.moments.get(name)!;
    trainer.backend.write(m.buf, mom.m);
    trainer.backend.write(v.buf, mom.v);
  }
  trainer.optimizer.stepCount = c.optimizerStep;
  trainer.step = c.step;
  trainer.lrScale = c.lrScale;
  trainer.model.weightsChanged();
}
