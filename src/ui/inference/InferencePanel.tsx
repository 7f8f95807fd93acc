/**
 * The inference panel: a model — an imported bundle or safetensors file, or the
 * current run's weights — exported to ONNX with its attention factors and run in
 * onnxruntime-web on ONE execution provider, on an input the user edits. It shows the
 * prediction, the class probabilities, the provider that ran, the attention factors, and the
 * largest difference between onnxruntime's logits and the engine's.
 *
 * Imports are told apart by their first bytes (src/infer/modelFile.ts), then read and validated
 * completely (src/io/bundle/read.ts) in the bundle import worker, within the import budget
 * (docs/imports.md), before the panel uses them; a bad file shows its message and leaves the
 * loaded model as it was. A prediction is cleared as soon as the input it was made for is
 * replaced by an invalid one, so no result stands beside an input it does not belong to.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import type { RunConfig } from '../../config';
import { exportOnnx } from '../../io/onnx/export';
import type { InferenceBatch } from '../../infer/engineLogits';
import { maxAbsDifference, singleBatch } from '../../infer/inputs';
import { modelFileKind } from '../../infer/modelFile';
import { placementOf } from '../../infer/placement';
import { createSession, type InferenceResult, type InferenceSession, type ProviderChoice } from '../../infer/session';
import { ImportProgress } from '../runs/ImportProgress';
import { BundleImportError, useBundleImport } from '../runs/useBundleImport';
import { InputEditor, type EditedInput } from './InputEditor';
import { ResultView } from './ResultView';
import './inference.css';

/** A model to run: its config and every parameter by state_dict name. */
export interface ModelWeights {
  config: RunConfig;
  weights: ReadonlyMap<string, Float32Array>;
}

export interface InferencePanelProps {
  /** The current run's weights (the lead wires it to the training store); absent: only imports. */
  currentRun?: () => ModelWeights | null | Promise<ModelWeights | null>;
  /** The engine's logits for the same weights and batch; absent: no comparison is shown. */
  engineLogits?: (config: RunConfig, weights: ReadonlyMap<string, Float32Array>, batch: InferenceBatch) => Promise<Float32Array>;
}

interface Loaded extends ModelWeights {
  label: string;
  notices: string[];
}

type Outcome = {
  result: InferenceResult;
  provider: string;
  reason: string;
  placement: string;
  wasmThreads: number;
  tokens: Int32Array;
  engineDifference?: number | string;
};

/** See the file comment. */
export function InferencePanel({ currentRun, engineLogits }: InferencePanelProps) {
  const [model, setModel] = useState<Loaded | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [choice, setChoice] = useState<ProviderChoice>('auto');
  const [session, setSession] = useState<InferenceSession | null>(null);
  const [sessionState, setSessionState] = useState<string>('no model loaded');
  const [input, setInput] = useState<EditedInput | null>(null);
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const [runError, setRunError] = useState<string | null>(null);
  const [running, setRunning] = useState(false);
  const bundleInput = useRef<HTMLInputElement>(null);
  const configInput = useRef<HTMLInputElement>(null);
  const importer = useBundleImport();

  const load = async () => {
    const file = bundleInput.current?.files?.[0];
    if (!file) return setLoadError('choose a bundle (.zip) or a weights file (.safetensors) first.');
    try {
      // The first bytes say whether it is a bundle or a weights file at all; the worker reads the rest.
      const kind = modelFileKind(new Uint8Array(await file.slice(0, 16).arrayBuffer()), file.name, file.size);
      if (kind.kind === 'unknown') return setLoadError(kind.message);
      const run = await importer.start(file, configInput.current?.files?.[0]);
      if (!run) return setLoadError(`${file.name}: the import was cancelled; the loaded model stays.`);
      setLoadError(null);
      setModel({ config: run.config, weights: run.weights, label: `${file.name} (${run.source})`, notices: run.notices });
    } catch (err) {
      // The loaded model stays as it was: only a complete, validated import replaces it.
      setLoadError(
        err instanceof BundleImportError
          ? `${file.name} was refused (${err.code}): ${err.message}`
          : `${file.name} could not be read: ${String(err)}`,
      );
    }
  };

  const loadCurrentRun = async () => {
    try {
      const run = await currentRun?.();
      if (!run) return setLoadError('there is no current run with weights yet.');
      setLoadError(null);
      setModel({ ...run, label: "the current run's weights", notices: [] });
    } catch (err) {
      setLoadError(`the current run's weights could not be read: ${err instanceof Error ? err.message : String(err)}`);
    }
  };

  // A result belongs to the input it was computed from: an invalid input clears it.
  useEffect(() => {
    if (input && !input.ok) setOutcome(null);
  }, [input]);

  // One session per (model, provider); the previous one is released.
  useEffect(() => {
    if (!model) return;
    let cancelled = false;
    let created: InferenceSession | null = null;
    setSession(null);
    setOutcome(null);
    setSessionState(`exporting the model and creating a session (${choice})…`);
    (async () => {
      try {
        const bytes = exportOnnx(model.config, model.weights, { attentionOutputs: true });
        created = await createSession(bytes, choice);
        if (cancelled) return void created.release();
        setSession(created);
        setSessionState('ready');
      } catch (err) {
        if (!cancelled) setSessionState(`no session: ${err instanceof Error ? err.message : String(err)}`);
      }
    })();
    return () => {
      cancelled = true;
      void created?.release();
    };
  }, [model, choice]);

  const run = useCallback(async () => {
    if (!session || !model || !input) return;
    if (!input.ok) return setRunError(input.error);
    setRunning(true);
    setRunError(null);
    try {
      const batch = singleBatch(model.config, input.tokens, input.tokens2);
      const result = await session.run(batch, model.config.seqLen);
      let engineDifference: number | string | undefined;
      if (engineLogits) {
        try {
          engineDifference = maxAbsDifference(result.logits, await engineLogits(model.config, model.weights, batch));
        } catch (err) {
          engineDifference = `the engine could not run: ${err instanceof Error ? err.message : String(err)}`;
        }
      }
      setOutcome({
        result,
        provider: session.provider,
        reason: session.reason,
        placement: placementOf(session.provider, session.wasmThreads, model.config.attention),
        wasmThreads: session.wasmThreads,
        tokens: batch.tokens,
        engineDifference,
      });
    } catch (err) {
      setRunError(err instanceof Error ? err.message : String(err));
    } finally {
      setRunning(false);
    }
  }, [session, model, input, engineLogits]);

  return (
    <section className="infer-panel" aria-label="Inference" data-testid="inference-panel">
      <h2>Inference (onnxruntime-web)</h2>
      <div className="infer-source">
        <label>
          Bundle or weights <input ref={bundleInput} type="file" accept=".zip,.safetensors" data-testid="infer-file" />
        </label>{' '}
        <label>
          config JSON (only with a bare .safetensors){' '}
          <input ref={configInput} type="file" accept=".json,application/json" data-testid="infer-config-file" />
        </label>{' '}
        <button type="button" onClick={() => void load()} disabled={importer.status.state === 'running'} data-testid="infer-load">
          Load
        </button>
        {currentRun && (
          <button type="button" onClick={() => void loadCurrentRun()} data-testid="infer-use-current">
            Use the current run
          </button>
        )}
      </div>
      <ImportProgress status={importer.status} onCancel={importer.cancel} />
      {loadError && (
        <p role="alert" className="infer-error" data-testid="infer-load-error">
          {loadError}
        </p>
      )}
      {model && (
        <p data-testid="infer-model">
          Model: {model.label} — {model.config.attention} attention, task {model.config.task}, {model.config.layers} layer(s), d{' '}
          {model.config.dModel}, n {model.config.seqLen}; graph exported from these weights.
          {model.notices.length > 0 && <span className="muted"> Notes: {model.notices.join(' ')}</span>}
        </p>
      )}
      <label>
        Execution provider{' '}
        <select value={choice} onChange={(e) => setChoice(e.target.value as ProviderChoice)} data-testid="infer-provider-choice">
          <option value="auto">auto (WebGPU on a hardware adapter, else WASM)</option>
          <option value="webgpu">webgpu</option>
          <option value="wasm">wasm</option>
        </select>
      </label>{' '}
      <span data-testid="infer-session-state" className="muted">
        {sessionState}
      </span>
      {session && (
        <p className="muted" data-testid="infer-session-provider" data-provider={session.provider}>
          Session on the {session.provider} execution provider ({session.reason}).
        </p>
      )}
      {model && <InputEditor config={model.config} onInput={setInput} />}
      {input && !input.ok && (
        <p role="alert" className="infer-error">
          {input.error}
        </p>
      )}
      {input?.ok && <p className="muted">{input.note}</p>}
      <button type="button" onClick={() => void run()} disabled={!session || !input?.ok || running} data-testid="infer-run">
        {running ? 'Running…' : 'Run'}
      </button>
      {runError && (
        <p role="alert" className="infer-error">
          {runError}
        </p>
      )}
      {outcome && model && <ResultView config={model.config} {...outcome} />}
    </section>
  );
}
