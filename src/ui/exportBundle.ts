/** A run bundle (src/io/bundle) from the worker's export reply: weights, optimizer state, metrics and the ONNX graph. */
import { writeBundle } from '../io/bundle/write';
import { onnxUnsupported } from '../io/onnx/config';
import type { RunExport } from '../train/protocol';

export function bundleOfExport(run: RunExport): Uint8Array {
  return writeBundle(
    {
      config: run.config,
      weights: new Map(run.weights),
      metrics: run.metricsCsv,
      optimizer: { step: run.optimizer.step, expAvg: new Map(run.optimizer.expAvg), expAvgSq: new Map(run.optimizer.expAvgSq) },
      checkpoint: { kind: run.checkpoint, step: run.step },
    },
    // A variant without an ONNX graph (onnxUnsupported says which and why): its bundle holds the weights without model.onnx.
    { onnx: onnxUnsupported(run.config) ? false : { attentionOutputs: true } },
  );
}

/** The current run's config and weights for the inference panel. */
export function weightsOfExport(run: RunExport): { config: RunExport['config']; weights: Map<string, Float32Array> } {
  return { config: run.config, weights: new Map(run.weights) };
}
