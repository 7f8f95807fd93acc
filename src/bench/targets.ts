/**
 * What the sweep's rows say: how time grows with length (a power-law fit per variant and mode),
 * and the target ratios at n = 4096 (or the longest length where both sides ran), each measured
 * against its target and reported as it is, never asserted.
 */
import { MODES, VARIANTS, type GrowthRow, type Mode, type PeerRow, type Row, type TargetLine, type Variant } from './rows';
import { fitPowerLaw } from './stats';

/** Fit time ∝ n^k per variant and mode over the rows that ran (at least two lengths). */
export function growthOf(rows: readonly Row[]): GrowthRow[] {
  const out: GrowthRow[] = [];
  for (const variant of VARIANTS) {
    for (const mode of MODES) {
      const ok = rows.filter((r) => r.variant === variant && r.mode === mode && r.status === 'ok' && r.ms);
      if (new Set(ok.map((r) => r.n)).size < 2) continue;
      // Per-sequence time, so a row whose batch was shrunk still lies on the same line.
      out.push({
        variant,
        mode,
        lengths: ok.map((r) => r.n),
        fit: fitPowerLaw(
          ok.map((r) => r.n),
          ok.map((r) => r.ms!.median / r.batch),
        ),
      });
    }
  }
  return out;
}

function okRow(rows: readonly Row[], variant: Variant, mode: Mode, n: number): Row | undefined {
  return rows.find((r) => r.variant === variant && r.mode === mode && r.n === n && r.status === 'ok');
}

/** A peer's Proxyformer ratio (peer ms ÷ ours) at n = 4096 or its longest measured length. */
function peerLine(peers: readonly PeerRow[], prefix: string, mode: Mode, name: string, target: string, min: number): TargetLine | null {
  const ok = peers.filter(
    (p) => p.peer.startsWith(prefix) && p.variant === 'proxy' && p.mode === mode && p.status === 'ok' && p.ratioToOurs !== undefined,
  );
  if (ok.length === 0) return null;
  const n = ok.some((p) => p.n === 4096) ? 4096 : Math.max(...ok.map((p) => p.n));
  const v = ok.find((p) => p.n === n)!.ratioToOurs!;
  return { name, n, measured: v, target, met: v >= min, note: n === 4096 ? undefined : `measured at n = ${n}, the target is for n = 4096` };
}

/** The target ratios of docs/gpu.md "Targets" at n = 4096 (or the longest length where both sides ran), measured against target; peer lines when peers ran. */
export function targetsOf(rows: readonly Row[], peers: readonly PeerRow[] = []): TargetLine[] {
  const at = (a: Variant, b: Variant, mode: Mode): number | null => {
    const common = rows.filter((r) => r.variant === a && r.mode === mode && okRow(rows, b, mode, r.n) && r.status === 'ok').map((r) => r.n);
    if (common.length === 0) return null;
    return common.includes(4096) ? 4096 : Math.max(...common);
  };
  const line = (
    name: string,
    a: Variant,
    b: Variant,
    mode: Mode,
    value: (x: Row, y: Row) => number,
    target: string,
    met: (v: number) => boolean,
  ): TargetLine => {
    const n = at(a, b, mode);
    if (n === null) return { name, n: 4096, measured: null, target, met: null, note: `no length where both ${a} and ${b} ran` };
    const v = value(okRow(rows, a, mode, n)!, okRow(rows, b, mode, n)!);
    return { name, n, measured: v, target, met: met(v), note: n === 4096 ? undefined : `measured at n = ${n}, the target is for n = 4096` };
  };
  return [
    line(
      'Proxyformer ÷ softmax, training sequences/s',
      'proxy',
      'softmax',
      'train',
      (p, s) => p.sequencesPerSecond! / s.sequencesPerSecond!,
      '≥ 4 (paper: 3.8)',
      (v) => v >= 4,
    ),
    line(
      'Proxyformer ÷ softmax, training peak memory per sequence',
      'proxy',
      'softmax',
      'train',
      (p, s) => p.peakBytesPerSequence! / s.peakBytesPerSequence!,
      '≤ 0.08 (paper: 0.08)',
      (v) => v <= 0.08,
    ),
    line(
      'Proxyformer ÷ Nyströmformer, training sequences/s',
      'proxy',
      'nystrom',
      'train',
      (p, s) => p.sequencesPerSecond! / s.sequencesPerSecond!,
      '≥ 1',
      (v) => v >= 1,
    ),
    // softmaxImpl 'fused' (docs/models.md "Fused attention"): memory against materialized softmax and the fused Nyströmformer, speed against fused softmax.
    line(
      'Proxyformer (fused) ÷ softmax, training peak memory per sequence',
      'proxy-fused',
      'softmax',
      'train',
      (p, s) => p.peakBytesPerSequence! / s.peakBytesPerSequence!,
      '≤ 0.08 (paper: 0.08)',
      (v) => v <= 0.08,
    ),
    line(
      'Proxyformer (fused) ÷ Nyströmformer (fused), training peak memory per sequence',
      'proxy-fused',
      'nystrom-fused',
      'train',
      (p, s) => p.peakBytesPerSequence! / s.peakBytesPerSequence!,
      '≤ 1',
      (v) => v <= 1,
    ),
    line(
      'Proxyformer (fused) ÷ softmax (fused), training sequences/s',
      'proxy-fused',
      'softmax-fused',
      'train',
      (p, s) => p.sequencesPerSecond! / s.sequencesPerSecond!,
      '≥ 1',
      (v) => v >= 1,
    ),
    peerLine(peers, 'tfjs', 'train', 'tfjs-webgpu ms ÷ ours, Proxyformer training step', '≥ 3', 3),
    peerLine(peers, 'onnxruntime-web', 'inference', 'onnxruntime-web (webgpu EP) ms ÷ ours, Proxyformer inference', '≥ 1.5', 1.5),
  ].filter((t): t is TargetLine => t !== null);
}
