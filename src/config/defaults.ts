/** The paper preset of a task and variant, built from the schema's defaults. */
import { CONFIG_KEYS, paramSpec, type RunConfig } from './schema';
import { defaultFor, type Attention, type Task } from './spec';

/**
 * The default config for a task and attention variant: the paper's model (2 layers, d 64,
 * ffn 128, 2 heads, m 128, dropout 0.1) and the LRA schedule of that task (docs/tasks.md "Paper schedules").
 */
export function defaultConfig(task: Task = 'listops', attention: Attention = 'proxy'): RunConfig {
  const out: Record<string, unknown> = {};
  for (const key of CONFIG_KEYS) out[key] = defaultFor(paramSpec(key), task, attention);
  out.task = task;
  out.attention = attention;
  return out as RunConfig;
}
