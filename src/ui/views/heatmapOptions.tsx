/**
 * Page-wide heatmap options: the colour-scale mode (src/ui/views/colourScale.ts), one choice for
 * every heatmap so that a switch changes them all at once; and, from the views a panel shows, each
 * matrix's kind and shared range and the figure source (run and step) that exports write under
 * the title.
 */
import { createContext, useContext, useMemo, useSyncExternalStore, type ReactNode } from 'react';
import type { AttentionViews } from '../../store/attentionViews';
import { SCALE_MODES, type MatrixKind, type ScaleMode } from './colourScale';
import { FACTORS, sharedRanges } from './factors';

let mode: ScaleMode = 'own';
const listeners = new Set<() => void>();

/** Set the page's heatmap scale mode. */
export function setScaleMode(next: ScaleMode) {
  mode = next;
  for (const l of listeners) l();
}

/** The page's heatmap scale mode (re-renders on change). */
export function useScaleMode(): ScaleMode {
  return useSyncExternalStore(
    (l) => {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    () => mode,
    () => mode,
  );
}

/** The scale-mode picker. */
export function ScaleModeSelect() {
  const current = useScaleMode();
  return (
    <label className="inline scale-mode">
      Colour scale{' '}
      <select value={current} onChange={(e) => setScaleMode(e.currentTarget.value as ScaleMode)} data-testid="heatmap-scale-mode">
        {SCALE_MODES.map((m) => (
          <option key={m.mode} value={m.mode}>
            {m.label}
          </option>
        ))}
      </select>
    </label>
  );
}

/** What a heatmap of the current views needs to know about its matrix beyond the numbers. */
interface MatrixInfo {
  kind: MatrixKind;
  /** The range of the same factor over every layer and head. */
  shared?: { lo: number; hi: number };
}

interface FigureContext {
  /** Where the heatmaps come from, e.g. "run quick-listops-proxy-3, step 120, validation example 0"; written on exported figures. */
  source?: string;
  /** Each drawn matrix of the views (by its data array) with its kind and shared range. */
  matrices: WeakMap<object, MatrixInfo>;
}

const Figure = createContext<FigureContext>({ matrices: new WeakMap() });

/**
 * Provides, for the heatmaps inside, the figure source and each matrix's kind and shared range,
 * found by identity among the views' factors (src/ui/views/factors.ts), so a panel's heatmaps
 * need no extra props for the absolute and shared scales.
 */
export function ViewsFigure({ views, source, children }: { views: AttentionViews; source: string; children?: ReactNode }) {
  const value = useMemo(() => {
    const ranges = sharedRanges(views);
    const matrices = new WeakMap<object, MatrixInfo>();
    for (const f of FACTORS)
      for (const layer of views.heads)
        for (const head of layer) {
          const m = head[f.field];
          if (m) matrices.set(m.data, { kind: f.kind, shared: ranges[f.field] });
        }
    return { source, matrices };
  }, [views, source]);
  return <Figure.Provider value={value}>{children}</Figure.Provider>;
}

/** The enclosing figure's source, and what it knows about a matrix (undefined outside ViewsFigure or for a derived matrix). */
export function useFigure(data: object): { source?: string; info?: MatrixInfo } {
  const ctx = useContext(Figure);
  return { source: ctx.source, info: ctx.matrices.get(data) };
}
