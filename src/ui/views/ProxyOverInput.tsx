import { useMemo, useState } from 'react';
import type { Matrix } from '../../model/views';
import type { AttentionViews } from '../../store/attentionViews';
import { cssColour } from './colormap';
import { ImageCanvas } from './ImageCanvas';
import { overlayImage } from './inputs';
import { tokenAxisOf } from './tokenAxis';

/** Tokens drawn in the dashboard's strip (the views panel below shows up to 1024). */
const STRIP_TOKENS = 256;

/** One landmark's or proxy's attention over the input (its K3 row): over the picture, or behind each token. */
export function ProxyOverInput({ views, kernel3 }: { views: AttentionViews; kernel3: Matrix }) {
  const [chosen, setChosen] = useState(0);
  const m = kernel3.rows;
  const n = kernel3.cols;
  const j = Math.min(chosen, m - 1);
  const row = kernel3.data.subarray(j * n, (j + 1) * n);
  const word = views.attention === 'proxy' ? 'Proxy' : 'Landmark';
  const labels = useMemo(() => tokenAxisOf(views, Math.min(n, STRIP_TOKENS)).labels, [views, n]);
  let max = 0;
  for (let i = 0; i < labels.length; i++) max = Math.max(max, row[i]);
  return (
    <div className="proxy-over-input" data-testid="live-k3-row">
      <label className="inline">
        {word}{' '}
        <input
          type="number"
          min={0}
          max={m - 1}
          value={j}
          onChange={(e) => setChosen(Math.max(0, Math.min(m - 1, Math.floor(Number(e.currentTarget.value) || 0))))}
        />{' '}
        <span className="muted">over the input (its K3 row)</span>
      </label>
      {views.imageSide !== undefined ? (
        <ImageCanvas image={overlayImage(views.example.tokens, views.imageSide, row)} size={96} label={`${word} ${j} over the input`} />
      ) : (
        <div className="token-strip compact">
          {labels.map((t, i) => (
            <span
              key={i}
              style={{ background: cssColour(row[i], 0, max), color: row[i] > 0.6 * max ? '#000' : '#fff' }}
              title={`token ${i} ${t}: ${row[i].toPrecision(3)}`}
            >
              {t}
            </span>
          ))}
          {n > STRIP_TOKENS && <span className="muted"> … {n - STRIP_TOKENS} more below</span>}
        </div>
      )}
    </div>
  );
}
