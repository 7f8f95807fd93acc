import { liveViews, useLiveViews } from '../../store/liveViews';
import { trainingClient } from '../../store/trainingStore';

/** Which example (and split), layer and head the views show: one choice for the whole page. */
export function ViewsSelect({ layers, heads }: { layers: number; heads: number }) {
  const live = liveViews(trainingClient);
  const example = useLiveViews(live, (s) => s.example);
  const split = useLiveViews(live, (s) => s.split);
  const layer = useLiveViews(live, (s) => s.layer);
  const head = useLiveViews(live, (s) => s.head);
  const l = Math.min(layer, Math.max(0, layers - 1));
  const h = Math.min(head, Math.max(0, heads - 1));
  return (
    <div className="views-select">
      <label className="inline">
        Example{' '}
        <input
          type="number"
          min={0}
          value={example}
          onChange={(e) => live.setExample(Math.max(0, Math.floor(Number(e.currentTarget.value) || 0)), split)}
        />
      </label>
      <label className="inline">
        Split{' '}
        <select value={split} onChange={(e) => live.setExample(example, e.currentTarget.value as 'validation' | 'test')}>
          <option value="validation">validation</option>
          <option value="test">test</option>
        </select>
      </label>
      <label className="inline">
        Layer{' '}
        <select value={l} onChange={(e) => live.select(Number(e.currentTarget.value), h)} disabled={layers === 0}>
          {Array.from({ length: Math.max(1, layers) }, (_, i) => (
            <option key={i} value={i}>
              {i}
            </option>
          ))}
        </select>
      </label>
      <label className="inline">
        Head{' '}
        <select value={h} onChange={(e) => live.select(l, Number(e.currentTarget.value))} disabled={heads === 0}>
          {Array.from({ length: Math.max(1, heads) }, (_, i) => (
            <option key={i} value={i}>
              {i}
            </option>
          ))}
        </select>
      </label>
    </div>
  );
}
