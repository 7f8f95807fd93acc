/**
 * The committed n = 4096 memory figures (results/2026-12-02-cpu-reference-memory-4096, written by
 * scripts/bench-memory.ts), shown in the Scaling view beside what this page measures: training-
 * step peak memory per sequence from the pool accounting, which does not depend on speed, so a
 * CPU run gives a GPU's bytes (docs/gpu.md "Memory at n = 4096").
 */
import type { Row, Variant } from '../../bench/sweep';
import { VARIANT_NAMES } from '../../bench/sweep';
import committed from '../../../results/2026-12-02-cpu-reference-memory-4096/memory.json';

export const COMMITTED_MEMORY_SOURCE = 'results/2026-12-02-cpu-reference-memory-4096';

export interface CommittedMemoryRow {
  variant: Variant;
  name: string;
  mib: number;
  /** Against materialized softmax, the paper's baseline (its 0.08× is Proxyformer's). */
  vsSoftmax: number;
  /** Against Nyströmformer with the same softmax implementation (materialized or fused). */
  vsNystrom: number | null;
}

export interface CommittedMemory {
  n: number;
  batch: number;
  backend: string;
  rows: CommittedMemoryRow[];
}

/** The table from a bench-memory file; throws, naming the file, when softmax's row is missing. */
export function committedMemory(
  file: { n: number; batch: number; backend: string; rows: readonly Row[] } = committed as never,
): CommittedMemory {
  const perSeq = new Map(
    file.rows.filter((r) => r.status === 'ok' && r.peakBytesPerSequence).map((r) => [r.variant, r.peakBytesPerSequence!]),
  );
  const softmax = perSeq.get('softmax');
  if (softmax === undefined) throw new Error(`${COMMITTED_MEMORY_SOURCE}/memory.json has no softmax row to compare with`);
  const rows = [...perSeq].map(([variant, bytes]) => {
    const nystrom = perSeq.get(variant.endsWith('-fused') ? 'nystrom-fused' : 'nystrom');
    return {
      variant,
      name: VARIANT_NAMES[variant] ?? variant,
      mib: bytes / 2 ** 20,
      vsSoftmax: bytes / softmax,
      vsNystrom: nystrom === undefined ? null : bytes / nystrom,
    };
  });
  rows.sort((a, b) => a.mib - b.mib);
  return { n: file.n, batch: file.batch, backend: file.backend, rows };
}
