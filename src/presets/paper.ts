/**
 * The paper presets: every task × every attention variant of the schema (softmax,
 * Nyströmformer, Proxyformer, Linformer, Performer, linear attention) at the paper's sizes
 * (2 layers, d 64, ffn 128, 2 heads, dropout 0.1; m = 128 landmarks or proxies, Linformer's
 * k = 128, Performer's 128 features: the paper gives every projection-based model 128) and the LRA per-task schedules of the
 * Nyströmformer code (docs/tasks.md "Paper schedules"): lr 1e-4, AdamW β (0.9, 0.999), eps 1e-6, weight
 * decay 0, one-cycle warm-up then linear decay. Those numbers live in the schema's per-task
 * table (`src/config/tasks.ts`), so these presets are the defaults with nothing changed:
 *
 * | task       | n    | batch | warm-up | steps | eval every / batches |
 * | ListOps    | 2048 | 32    | 1000    | 5000  | 50 / 62              |
 * | Text       | 4096 | 32    | 8000    | 20000 | 500 / 781            |
 * | Retrieval  | 4096 | 32    | 800     | 30000 | 300 / 565            |
 * | Image      | 1024 | 256   | 175     | 35000 | 175 / 20             |
 * | Pathfinder | 1024 | 256   | 312     | 62400 | 312 / 312            |
 *
 * These are for the PyTorch path and large GPUs; in a browser, softmax at n = 4096 is over
 * most adapters' buffer limits and the validator says so with the numbers.
 */
import { ATTENTIONS, LRA_TASKS, TASK_FACTS } from '../config';
import { VARIANT_TITLES } from './names';
import { makePreset, type Preset } from './preset';

/** `<task>-<variant>-paper` for every task and variant. */
export const PAPER_PRESETS: Preset[] = LRA_TASKS.flatMap((task) =>
  ATTENTIONS.map((attention) =>
    makePreset(
      `${task}-${attention}-paper`,
      `${TASK_FACTS[task].title.split(' (')[0]}, ${VARIANT_TITLES[attention]}, paper sizes`,
      `The paper's model with the LRA schedule for this task. ${TASK_FACTS[task].note}`,
      task,
      attention,
    ),
  ),
);
