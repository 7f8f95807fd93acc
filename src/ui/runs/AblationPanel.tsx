import { ablationRunner, useAblation } from '../../store/ablationStore';
import { useConfig } from '../../store/configStore';
import { isActive, useTraining } from '../../store/trainingStore';
import { formatNumber } from '../charts/chartData';

/** The paper's ablation study for the form's task, sizes and seeds, run one after another, with a results table. */
export function AblationPanel() {
  const items = useAblation((s) => s.items);
  const current = useAblation((s) => s.current);
  const config = useConfig((s) => s.config);
  const ok = useConfig((s) => s.ok);
  const runState = useTraining((s) => s.runState);
  const runner = ablationRunner();
  const running = current !== null;
  return (
    <section className="panel" aria-labelledby="ablation-h">
      <div className="panel-head">
        <h2 id="ablation-h">Ablation study</h2>
        <button type="button" data-testid="ablation-start" disabled={!ok || running || isActive(runState)} onClick={() => runner.start(config)}>Run the study</button>
        <button type="button" disabled={!running} onClick={() => runner.cancel()}>Cancel</button>
      </div>
      <p className="help">
        The paper’s RQ2 on this task with these sizes and seeds ({config.task}, {config.steps} steps, data seed {config.dataSeed}, init seed {config.initSeed}): full Proxyformer, without injection, without the contrastive loss, without decomposed dropout, Nyströmformer and softmax, trained one after another.
      </p>
      {items.length > 0 && (
        <div className="table-wrap">
          <table className="table" data-testid="ablation-table">
            <thead><tr><th scope="col">variant</th><th scope="col">status</th><th scope="col">best val acc</th><th scope="col">test acc</th><th scope="col">tokens/s</th><th scope="col">seq/s</th><th scope="col">ms/step</th><th scope="col">peak memory</th></tr></thead>
            <tbody>
              {items.map((it) => (
                <tr key={it.ablation.name} data-status={it.status}>
                  <th scope="row" title={it.ablation.what}>{it.ablation.label}</th>
                  <td title={it.note ?? undefined}>{it.status}{it.note ? ` — ${it.note}` : ''}</td>
                  <td>{formatNumber(it.result?.bestValAccuracy ?? NaN, '%')}</td>
                  <td>{formatNumber(it.result?.testAccuracy ?? NaN, '%')}</td>
                  <td>{formatNumber(it.result?.tokensPerSec ?? NaN)}</td>
                  <td>{formatNumber(it.result?.seqsPerSec ?? NaN)}</td>
                  <td>{formatNumber(it.result?.msPerStep ?? NaN)}</td>
                  <td>{formatNumber(it.result?.peakMemory ?? NaN, 'bytes')}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
