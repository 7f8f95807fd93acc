import type { Study } from '../../study/definition';
import { studyCsv, studyMarkdown, summarizeStudy, type RunOutcome } from '../../study/results';
import { formatInterval } from '../../study/stats';
import { downloadText } from '../download';

/**
 * A study's results so far: one row per configuration, mean ± 95 % t-interval over the seeds
 * finished, the paired difference in test accuracy against the baseline (saying plainly when its
 * interval includes 0), the test-set size, and the table as CSV or Markdown.
 */
export function StudyTable({ study, outcomes }: { study: Study; outcomes: readonly RunOutcome[] }) {
  const rows = summarizeStudy(study, outcomes);
  const baseline = study.arms.find((a) => a.name === study.baseline)?.label ?? study.baseline;
  const f = (r: (typeof rows)[number], m: keyof (typeof rows)[number]['metrics'], digits: number, scale = 1, unit = '') =>
    r.metrics[m] ? `${formatInterval(r.metrics[m]!, digits, scale)}${unit}` : '–';
  return (
    <>
      <div className="table-wrap">
        <table className="table" data-testid="study-table" data-study={study.name}>
          <caption>
            Mean ± 95 % t-interval over seeds; “vs {baseline}” is the paired difference in test accuracy over the same seeds.
          </caption>
          <thead>
            <tr>
              <th scope="col">configuration</th>
              <th scope="col">seeds</th>
              <th scope="col">test accuracy</th>
              <th scope="col">vs {baseline}</th>
              <th scope="col">best val accuracy</th>
              <th scope="col">seq/s</th>
              <th scope="col">peak MiB/seq</th>
              <th scope="col">test examples</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr key={r.arm} data-arm={r.arm} data-seeds={r.seeds.length}>
                <th scope="row" title={r.what}>
                  {r.label}
                </th>
                <td>{r.seeds.length}</td>
                <td data-testid="study-test-accuracy">{f(r, 'testAccuracy', 1, 100, ' %')}</td>
                <td>
                  {r.arm === study.baseline
                    ? 'baseline'
                    : r.vsBaseline
                      ? `${formatInterval(r.vsBaseline, 1, 100)} pp${r.vsBaseline.includesZero ? ' — includes 0: no difference shown' : r.vsBaseline.mean > 0 ? ' — better' : ' — worse'}`
                      : '–'}
                </td>
                <td>{f(r, 'bestValAccuracy', 1, 100, ' %')}</td>
                <td>{f(r, 'seqsPerSec', 1)}</td>
                <td>{f(r, 'peakMemoryPerSeq', 2, 1 / 2 ** 20)}</td>
                <td>{r.testExamples > 0 ? r.testExamples : '–'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <p className="help">
        Proxy redundancy and the pseudo-inverse residual need attention views of each trained model, which the page does not compute per
        run: they are left out here (<code>npm run study</code> reports them).
      </p>
      <div className="panel-head">
        <button
          type="button"
          data-testid="study-csv"
          disabled={outcomes.length === 0}
          onClick={() => downloadText(`study-${study.name}.csv`, studyCsv(rows), 'text/csv')}
        >
          Export CSV
        </button>
        <button
          type="button"
          data-testid="study-markdown"
          disabled={outcomes.length === 0}
          onClick={() =>
            downloadText(
              `study-${study.name}.md`,
              `# ${study.title}\n\n${study.description}\n\n${studyMarkdown(study, rows)}\n\nBackend: ${[...new Set(outcomes.map((o) => o.backend))].join(', ')}.\n`,
              'text/markdown',
            )
          }
        >
          Export Markdown
        </button>
      </div>
    </>
  );
}
