import { useMemo, useState } from 'react';
import type { RunConfig } from '../../config';
import type { InferenceResult } from '../../infer/session';
import { softmax } from '../../infer/inputs';
import { FactorHeatmap } from './FactorHeatmap';

interface Props {
  config: RunConfig;
  result: InferenceResult;
  provider: string;
  reason: string;
  placement: string;
  wasmThreads: number;
  /** The tokens that were fed (first tower, padded), for the record and the tests. */
  tokens: Int32Array;
  /** max |onnxruntime − engine| over the logits; undefined when no engine comparison was asked for. */
  engineDifference?: number | string;
}

/** Class names where the task has obvious ones; else the class index. */
function className(config: RunConfig, k: number): string {
  if (config.task === 'listops') return `value ${k}`;
  if (config.task === 'image') return `digit ${k}`;
  return `class ${k}`;
}

/** Prediction, class probabilities, the provider that ran, the engine comparison and the attention factors. */
export function ResultView({ config, result, provider, reason, placement, wasmThreads, tokens, engineDifference }: Props) {
  const probs = useMemo(() => softmax(result.logits.subarray(0, result.classes)), [result]);
  const prediction = probs.indexOf(Math.max(...probs));
  const names = [...result.factors.keys()];
  const [factor, setFactor] = useState(names[0] ?? '');
  const [head, setHead] = useState(0);
  const chosen = result.factors.get(factor) ?? result.factors.get(names[0]);
  const heads = chosen ? chosen.dims[1] : 0;
  const h = Math.min(head, Math.max(0, heads - 1));
  const matrix =
    chosen && chosen.dims.length === 4
      ? (() => {
          const [, , rows, cols] = chosen.dims;
          return { rows, cols, data: chosen.data.subarray(h * rows * cols, (h + 1) * rows * cols) };
        })()
      : null;

  return (
    <div
      className="infer-result"
      data-testid="infer-result"
      data-provider={provider}
      data-wasm-threads={wasmThreads}
      data-logits={JSON.stringify([...result.logits])}
      data-tokens={JSON.stringify([...tokens])}
      data-engine-difference={typeof engineDifference === 'number' ? String(engineDifference) : undefined}
    >
      <p>
        Prediction: <strong data-testid="infer-prediction">{className(config, prediction)}</strong> ({(100 * probs[prediction]).toFixed(1)}
        %)
      </p>
      <p data-testid="infer-provider">
        Ran on onnxruntime-web's <strong>{provider}</strong> execution provider ({reason}), {result.ms.toFixed(1)} ms.{' '}
        <span className="muted">{placement}.</span>
      </p>
      {engineDifference !== undefined && (
        <p data-testid="infer-engine-difference">
          Largest |onnxruntime − engine| logit difference:{' '}
          {typeof engineDifference === 'number' ? engineDifference.toExponential(2) : engineDifference}
        </p>
      )}
      <table className="infer-probs">
        <tbody>
          {[...probs].map((p, k) => (
            <tr key={k} className={k === prediction ? 'predicted' : undefined}>
              <td>{className(config, k)}</td>
              <td>
                <span
                  className="infer-bar"
                  style={{ display: 'inline-block', height: '0.8em', width: `${Math.round(120 * p)}px`, background: 'currentColor' }}
                />
              </td>
              <td>{(100 * p).toFixed(2)}%</td>
              <td className="muted">logit {result.logits[k].toFixed(4)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {names.length > 0 ? (
        <div className="infer-factors">
          <label>
            Attention factor{' '}
            <select value={factor} onChange={(e) => setFactor(e.target.value)} data-testid="infer-factor">
              {names.map((n) => (
                <option key={n} value={n}>
                  {n}
                </option>
              ))}
            </select>
          </label>{' '}
          <label>
            head{' '}
            <select value={h} onChange={(e) => setHead(Number(e.target.value))}>
              {Array.from({ length: heads }, (_, i) => (
                <option key={i} value={i}>
                  {i}
                </option>
              ))}
            </select>
          </label>
          {matrix && <FactorHeatmap title={`${factor || names[0]}, head ${h}`} {...matrix} />}
        </div>
      ) : (
        <p className="muted">This model was exported without attention outputs.</p>
      )}
    </div>
  );
}
