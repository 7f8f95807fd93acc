import { useRef, useState, type ReactNode } from 'react';
import { trainingClient } from '../../store/trainingStore';
import { exportPng, exportSvg } from './exportChart';
import type { FigureCaption } from './figureSvg';

/**
 * A titled chart frame with SVG/PNG export buttons and an optional explanation. Exports carry
 * the title, the axis labels (x: `xLabel`, default "step"; y: `yLabel`, default the title) and
 * the current run with its step.
 */
export function ChartCard({
  title,
  name,
  note,
  children,
  testId,
  xLabel = 'step',
  yLabel,
}: {
  title: string;
  name: string;
  note?: ReactNode;
  children: ReactNode;
  testId?: string;
  xLabel?: string;
  yLabel?: string;
}) {
  // Read when exporting, not subscribed: a card need not re-render on every step.
  const caption = (): FigureCaption => {
    const { runId, step } = trainingClient().store.getState();
    return {
      title,
      source: runId === null ? 'no current run' : `run ${runId}, step ${step}`,
      xLabel,
      yLabel: yLabel ?? title,
    };
  };
  const ref = useRef<HTMLDivElement>(null);
  const [error, setError] = useState<string | null>(null);
  const run = (f: (el: HTMLElement) => void | Promise<void>) => async () => {
    setError(null);
    try {
      if (ref.current) await f(ref.current);
    } catch (e) {
      setError((e as Error).message);
    }
  };
  return (
    <figure className="chart-card" data-testid={testId}>
      <figcaption>
        <span className="chart-title">{title}</span>
        <span className="chart-actions">
          <button
            type="button"
            className="small"
            onClick={run((el) => exportSvg(el, name, caption()))}
            aria-label={`Export ${title} as SVG`}
          >
            SVG
          </button>
          <button
            type="button"
            className="small"
            onClick={run((el) => exportPng(el, name, caption()))}
            aria-label={`Export ${title} as PNG`}
          >
            PNG
          </button>
        </span>
      </figcaption>
      <div ref={ref} className="chart-body">
        {children}
      </div>
      {note && <p className="help">{note}</p>}
      {error && <p className="msg-error">{error}</p>}
    </figure>
  );
}
