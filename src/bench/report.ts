/** The sweep's result as a markdown report: adapter, settings, one table per mode, growth exponents, targets and peers. */
import { formatBytes } from '../config';
import { MODES, VARIANT_NAMES, type Row, type SweepResult } from './sweep';

const fmt = (x: number) => (Math.abs(x) >= 100 ? x.toFixed(0) : x.toPrecision(3));

function rowCells(r: Row): string[] {
  const head = [VARIANT_NAMES[r.variant], String(r.n), String(r.batch)];
  if (r.status !== 'ok' || !r.ms) return [...head, r.status, '', '', '', '', r.note ?? ''];
  return [
    ...head,
    fmt(r.ms.median),
    `${fmt(r.ms.q1)}–${fmt(r.ms.q3)} (${fmt(r.ms.min)}–${fmt(r.ms.max)})`,
    fmt(r.sequencesPerSecond!),
    fmt(r.tokensPerSecond!),
    formatBytes(r.peakBytesPerSequence!),
    r.note ?? '',
  ];
}

function table(header: string[], rows: string[][]): string[] {
  return [`| ${header.join(' | ')} |`, `|${header.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${r.join(' | ')} |`)];
}

/** Markdown for `bench.md`: names the adapter, the batch and the lengths before any figure. */
export function toMarkdown(r: SweepResult): string {
  const a = r.adapter;
  const lines: string[] = [
    `# Scaling benchmark — ${a.label}`,
    '',
    `- Adapter: vendor \`${a.vendor || '?'}\`, architecture \`${a.architecture || '?'}\`, device \`${a.device || '?'}\`, description \`${a.description || '?'}\`${a.isFallback ? ' — **software adapter: these figures say nothing about GPU speed**' : ''}`,
    `- Runtime: ${a.runtime}`,
    `- Date: ${r.date}`,
    `- Model: ListOps paper preset (2 layers, d 64, ffn 128, 2 heads, m 128, conv 35, Linformer k 128, Performer 128 features; each variant's defaults)${Object.keys(r.overrides).length ? `, changed: \`${JSON.stringify(r.overrides)}\`` : ''}`,
    `- Batch ${r.batch}, lengths ${r.lengths.join(', ')}; ${r.warmup} warm-up steps, median of ${r.repeats}`,
    `- Timing: ${r.timing}`,
    `- Memory: the engine pool's peak bytes in use during one step (weights, gradients, AdamW state, activations, scratch) ÷ batch`,
    '',
  ];
  for (const mode of MODES) {
    const rows = r.rows.filter((x) => x.mode === mode);
    if (rows.length === 0) continue;
    lines.push(`## ${mode === 'train' ? 'Training step (forward, backward, AdamW)' : 'Inference (noGrad forward)'}`, '');
    lines.push(
      ...table(['variant', 'n', 'batch', 'ms/step', 'IQR (min–max)', 'seq/s', 'tokens/s', 'peak mem/seq', 'note'], rows.map(rowCells)),
      '',
    );
  }
  if (r.growth.length) {
    lines.push('## Growth of time per sequence with length (least squares on log–log)', '');
    lines.push(
      ...table(
        ['variant', 'mode', 'lengths', 'exponent', 'R²'],
        r.growth.map((g) => [VARIANT_NAMES[g.variant], g.mode, g.lengths.join(', '), g.fit.exponent.toFixed(2), g.fit.r2.toFixed(3)]),
      ),
      '',
    );
    lines.push(
      'Expected on a GPU at long lengths: about 1 for Nyströmformer and Proxyformer, about 2 for softmax; fixed per-step costs pull short-length fits below that.',
      '',
    );
  }
  lines.push('## Targets (docs/gpu.md; measured as they are)', '');
  lines.push(
    ...table(
      ['ratio', 'n', 'measured', 'target', 'met', 'note'],
      r.targets.map((t) => [
        t.name,
        String(t.n),
        t.measured === null ? '—' : t.measured.toFixed(3),
        t.target,
        t.met === null ? '—' : t.met ? 'yes' : 'no',
        t.note ?? '',
      ]),
    ),
    '',
  );
  if (r.peers.length) {
    lines.push('## Peers on the same adapter (ratio = peer ms ÷ ours; above 1: ours is faster)', '');
    lines.push(
      ...table(
        ['peer', 'variant', 'mode', 'n', 'batch', 'ms/step', 'ratio', 'note'],
        r.peers.map((p) => [
          p.peer,
          VARIANT_NAMES[p.variant],
          p.mode,
          String(p.n),
          String(p.batch),
          p.ms ? fmt(p.ms.median) : p.status,
          p.ratioToOurs === undefined ? '—' : p.ratioToOurs.toFixed(2),
          p.note ?? '',
        ]),
      ),
      '',
    );
  }
  return lines.join('\n');
}

/** The target lines as plain text for a console: "measured X vs target Y". */
export function targetLines(r: SweepResult): string[] {
  return r.targets.map(
    (t) =>
      `${t.name} at n=${t.n}: measured ${t.measured === null ? 'n/a' : t.measured.toFixed(3)} vs target ${t.target}${t.met === null ? '' : t.met ? ' (met)' : ' (missed)'}${t.note ? ` — ${t.note}` : ''}`,
  );
}
