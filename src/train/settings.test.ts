/**
 * Every setting the form accepts must train: walk the edge values of the schema (min, max, and
 * the boundaries between cross-key rules) on a tiny ListOps softmax run, and for each config
 * the validator accepts run two training steps (one for a one-step run) on the CPU backend and require finite losses;
 * every config it refuses must be refused with a message.
 */
import { describe, expect, it } from 'vitest';
import { CONFIG_KEYS, paramSpec, validateConfig, type ConfigKey, type RunConfig } from '../config';
import { CpuBackend } from '../engine';
import { getPreset } from '../presets';
import { taskFor } from './taskFromConfig';
import { Trainer } from './trainer';

/** quick-listops-softmax shrunk: n 16, a ListOps window of 4–16 tokens, batch 2, d 8. */
const BASE: RunConfig = {
  ...getPreset('quick-listops-softmax')!.config,
  seqLen: 16,
  listopsMinLen: 4,
  listopsMaxLen: 16,
  batchSize: 2,
  dModel: 8,
  heads: 2,
  ffn: 16,
  layers: 1,
  steps: 10,
  warmupSteps: 2,
  evalEvery: 5,
  evalSteps: 1,
};

/**
 * Keys walked at their schema's min and max: the optimisation, schedule and seed keys, and the
 * model keys whose extremes stay small at n 16 and batch 2. Left out, because their max would
 * allocate gigabytes or generate for minutes: seqLen (16384² attention scores per head) and the
 * ListOps window keys (4096-token trees need seqLen 4096). Variant-only keys (landmarks,
 * linformerK, …) do not apply to softmax; task keys other than ListOps' do not apply either.
 */
const WALKED = CONFIG_KEYS.filter((key) => {
  const spec = paramSpec(key);
  if (spec.type === 'text' || key === 'task' || key === 'attention') return false;
  if (spec.task && !spec.task.includes('listops')) return false;
  if (spec.attention && !spec.attention.includes('softmax')) return false;
  if (spec.part === 'train') return true;
  return spec.part === 'model' && key !== 'seqLen';
});

function edgeValues(key: ConfigKey): unknown[] {
  const spec = paramSpec(key);
  if (spec.type === 'bool') return [false, true];
  if (spec.type === 'enum') return [...spec.values];
  if (spec.type === 'int' || spec.type === 'float') return [spec.min, spec.max];
  return [];
}

/** The rule boundaries: warm-up against steps (0, 1, steps − 1, steps, steps + 1) for short and long runs, evaluation past the end. */
function ruleEdges(): Partial<RunConfig>[] {
  const out: Partial<RunConfig>[] = [];
  for (const steps of [1, 2, 3, 10, 1_000_000])
    for (const warmupSteps of new Set([0, 1, steps - 1, steps, steps + 1]))
      if (warmupSteps >= 0) out.push({ steps, warmupSteps, evalEvery: Math.min(steps, 5) });
  out.push({ steps: 2, warmupSteps: 1, evalEvery: 3, checkpointEvery: 0 });
  out.push({ steps: 1, warmupSteps: 1, evalEvery: 1_000_000, checkpointEvery: 1_000_000, cycleMomentum: false });
  return out;
}

const CASES: Partial<RunConfig>[] = [...WALKED.flatMap((key) => edgeValues(key).map((v) => ({ [key]: v }))), ...ruleEdges()];

describe('every setting the validator accepts trains', () => {
  it(`walks ${CASES.length} edge configs: accepted ones take finite steps, refused ones say why`, async () => {
    const failures: string[] = [];
    let accepted = 0;
    for (const change of CASES) {
      const { config, ok, issues } = validateConfig({ ...BASE, ...change });
      const label = JSON.stringify(change);
      if (!ok) {
        for (const issue of issues.filter((i) => i.severity === 'error'))
          if (!(issue.message.length > 10 && issue.key)) failures.push(`${label}: refused without a message (${JSON.stringify(issue)})`);
        continue;
      }
      accepted++;
      try {
        const trainer = new Trainer(new CpuBackend('f32'), config, await taskFor(config));
        const steps = Math.min(2, config.steps);
        for (let i = 0; i < steps; i++) trainer.trainStep();
        const { values, finite } = await trainer.readPending();
        trainer.dispose();
        if (!finite || values.length !== steps) failures.push(`${label}: losses ${values.map((v) => v.loss).join(', ')}`);
      } catch (e) {
        failures.push(`${label}: ${(e as Error).message}`);
      }
    }
    expect(failures).toEqual([]);
    // The walk must exercise training, not only the validator.
    expect(accepted).toBeGreaterThan(CASES.length / 2);
  }, 60_000);
});
