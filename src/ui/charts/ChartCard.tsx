import { useRef, useState, type ReactNode } from 'react';
import { exportPng, exportSvg } from './exportChart';

/** A titled chart frame with SVG/PNG export buttons and an optional explanation. */
export function ChartCard({
  title,
  name,
  note,
  children,
  testId,
}: {
  title: string;
  name: string;
  note?: ReactNode;
  children: ReactNode;
  testId?: string;
}) {
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
          <button type="button" className="small" onClick={run((el) => exportSvg(el, name))} aria-label={`Export ${title} as SVG`}>
            SVG
          </button>
          <button type="button" className="small" onClick={run((el) => exportPng(el, name))} aria-label={`Export ${title} as PNG`}>
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
