/**
 * The published numbers a study is read against. The Proxyformer paper's full text is not
 * public: its per-task LRA accuracies are unknown, and one efficiency point is known (at
 * n = 4096 against softmax attention: 3.8× the throughput at about 0.08× the memory per
 * sequence, measured on an RTX 3090). The Nyströmformer paper's PyTorch LRA table is the
 * closest published comparison for the same model size (2 layers, d 64, ffn 128, 2 heads);
 * its baselines used Linformer k = 256 and Performer with 256 features (the Proxyformer paper:
 * 128 for every projection baseline). See docs/models.md "Sources".
 */
import type { Attention, Task } from '../config';

export interface PaperAccuracy {
  source: string;
  /** Test accuracy in percent, by task; absent where the paper has no number. */
  byTask: Partial<Record<Task, number>>;
}

/** Nyströmformer paper, Table 3 (PyTorch LRA, 2 layers, d 64, ffn 128, 2 heads, mean pooling). */
export const NYSTROMFORMER_LRA: Partial<Record<string, PaperAccuracy>> = {
  softmax: {
    source: 'Nyströmformer paper, Table 3 (standard Transformer)',
    byTask: { listops: 37.1, text: 65.02, retrieval: 79.35, image: 38.2, pathfinder: 74.16 },
  },
  reformer: {
    source: 'Nyströmformer paper, Table 3 (Reformer, 2 hashes)',
    byTask: { listops: 19.05, text: 64.88, retrieval: 78.64, image: 43.29, pathfinder: 69.36 },
  },
  linformer: {
    source: 'Nyströmformer paper, Table 3 (Linformer, k = 256)',
    byTask: { listops: 37.25, text: 55.91, retrieval: 79.37, image: 37.84, pathfinder: 67.6 },
  },
  performer: {
    source: 'Nyströmformer paper, Table 3 (Performer, 256 features)',
    byTask: { listops: 18.8, text: 63.81, retrieval: 78.62, image: 37.07, pathfinder: 69.87 },
  },
  nystrom: {
    source: 'Nyströmformer paper, Table 3',
    byTask: { listops: 37.15, text: 65.52, retrieval: 79.56, image: 41.58, pathfinder: 70.94 },
  },
};

/** The one published Proxyformer efficiency point (n = 4096, against softmax attention). */
export const PROXYFORMER_EFFICIENCY = {
  seqLen: 4096,
  throughputVsSoftmax: 3.8,
  memoryVsSoftmax: 0.08,
  card: 'NVIDIA GeForce RTX 3090',
  source: 'Proxyformer paper, as reported by its authors’ institution',
} as const;

/** What differs between the published runs and ours, per task (shown under the table). */
export const DIFFERENCES: Record<Task, string> = {
  custom: 'your own dataset: there is no published number for it',
  listops:
    'same generator rules; the quick presets use trees of 10–50 tokens (depth ≤ 3) and a few hundred steps instead of 501–1999 tokens and 5000 steps',
  text: 'SpamAssassin mail (spam vs ham) instead of IMDb reviews; the task is easier and the numbers are not comparable',
  retrieval: 'same-thread mail pairs instead of ACL citation pairs; not comparable',
  image: 'MNIST digits instead of grayscale CIFAR-10; MNIST is far easier, so accuracies are much higher and not comparable',
  pathfinder: 'same generator rules (with a wider clearance between dashes); quick runs are far shorter than 62.4k steps',
};

export interface PaperRow {
  attention: Attention;
  task: Task;
  /** Our mean test accuracy in percent and its 95 % half-width (NaN with one seed). */
  ours: { mean: number; half: number; seeds: number; steps: number } | null;
  paper: number | null;
  paperSource: string | null;
  difference: string;
}

/** Our measured accuracy beside the published one, for one task and variant. */
export function paperRow(task: Task, attention: Attention, ours: PaperRow['ours']): PaperRow {
  const p = NYSTROMFORMER_LRA[attention];
  return { attention, task, ours, paper: p?.byTask[task] ?? null, paperSource: p?.source ?? null, difference: DIFFERENCES[task] };
}

/** Markdown rows "variant | task | ours | published | what differs". */
export function paperMarkdown(rows: readonly PaperRow[]): string {
  const lines = ['| variant | task | ours (test %, mean ± 95 % CI) | published (test %) | what differs |', '|---|---|---|---|---|'];
  for (const r of rows) {
    const ours = r.ours
      ? `${r.ours.mean.toFixed(1)}${Number.isNaN(r.ours.half) ? ' (1 seed)' : ` ± ${r.ours.half.toFixed(1)}`} (${r.ours.seeds} seeds, ${r.ours.steps} steps)`
      : 'not run';
    const paper =
      r.paper === null
        ? r.attention === 'proxy'
          ? 'not published (full text not public)'
          : '–'
        : `${r.paper.toFixed(2)} (${r.paperSource})`;
    lines.push(`| ${r.attention} | ${r.task} | ${ours} | ${paper} | ${r.difference} |`);
  }
  lines.push(
    '',
    `Proxyformer's one published efficiency figure: at n = ${PROXYFORMER_EFFICIENCY.seqLen}, ${PROXYFORMER_EFFICIENCY.throughputVsSoftmax}× softmax attention's throughput at ${PROXYFORMER_EFFICIENCY.memoryVsSoftmax}× its memory per sequence (${PROXYFORMER_EFFICIENCY.card}).`,
  );
  return lines.join('\n');
}
