import { useEffect, useState } from 'react';
import type { AttentionViews } from '../../store/attentionViews';
import { downloadBlob } from '../download';
import { snapshotsZip } from './exportSnapshots';

/** Time between two frames while playing (ms). */
const FRAME_MS = 350;

/**
 * Scrub or play through the snapshots of a run (the maps of the dashboard and of the views panel
 * follow), and export the sequence as PNG frames in a zip.
 */
export function Scrubber({
  snapshots,
  scrub,
  capacity,
  onScrub,
  layer,
  head,
  runName,
}: {
  snapshots: AttentionViews[];
  scrub: number | null;
  capacity: number | undefined;
  onScrub(i: number | null): void;
  layer: number;
  head: number;
  runName: string;
}) {
  const [playing, setPlaying] = useState(false);
  const [message, setMessage] = useState<string | null>(null);
  const last = snapshots.length - 1;
  const at = scrub === null ? last : Math.min(scrub, last);
  useEffect(() => {
    if (!playing) return;
    const id = setTimeout(() => {
      // At the last frame, play stops and the maps follow the latest views again.
      if (at + 1 >= last) {
        setPlaying(false);
        onScrub(null);
      } else onScrub(at + 1);
    }, FRAME_MS);
    return () => clearTimeout(id);
  }, [playing, at, last, onScrub]);
  const exportZip = async () => {
    setMessage(`Drawing ${snapshots.length} frames…`);
    try {
      const zip = await snapshotsZip(snapshots, layer, head, runName);
      downloadBlob(`${runName}-views-L${layer}H${head}.zip`, new Blob([zip as Uint8Array<ArrayBuffer>], { type: 'application/zip' }));
      setMessage(`${snapshots.length} PNG frames downloaded (${(zip.length / 1024).toFixed(0)} KiB).`);
    } catch (e) {
      setMessage(`Export failed: ${(e as Error).message}`);
    }
  };
  if (snapshots.length === 0) return null;
  const step = snapshots[at]?.step ?? 0;
  return (
    <div className="scrubber" data-testid="scrubber">
      <button
        type="button"
        className="small"
        onClick={() => {
          if (!playing && at >= last) onScrub(0);
          setPlaying(!playing);
        }}
        disabled={snapshots.length < 2}
        aria-pressed={playing}
      >
        {playing ? 'Halt' : 'Play'}
      </button>
      <input
        type="range"
        min={0}
        max={Math.max(0, last)}
        value={at}
        onChange={(e) => {
          const i = Number(e.currentTarget.value);
          onScrub(i >= last ? null : i);
        }}
        aria-label="Snapshot shown"
        aria-valuetext={`snapshot ${at + 1} of ${snapshots.length}, step ${step}`}
      />
      <span className="muted" data-testid="scrubber-label">
        {at + 1}/{snapshots.length} · step {step}
        {scrub === null ? ' (latest)' : ''}
      </span>
      <button type="button" className="small" onClick={exportZip} data-testid="export-snapshots">
        Export PNGs
      </button>
      <p className="help">
        At most {capacity ?? '…'} snapshots kept per run, thinned evenly; the newest is the last frame.
        {message && <> {message}</>}
      </p>
    </div>
  );
}
