/** Starting a run from imported weights and AdamW state (a validated run bundle). */
import { ModelConfigError } from '../model/validate';
import type { RunImport } from './protocol';
import type { Trainer } from './trainer';

/** Load imported weights (and AdamW state, which sets the step) into a fresh trainer; every size checked first. */
export function loadImport(trainer: Trainer, from: RunImport): void {
  const params = trainer.model.params;
  const weights = new Map(from.weights);
  const problems = params.names().filter((n) => weights.get(n)?.length !== params.get(n).size);
  if (problems.length > 0 || weights.size !== params.names().length) {
    throw new ModelConfigError([
      `the imported weights do not fit this model (${problems.slice(0, 4).join(', ') || 'different parameter set'})`,
    ]);
  }
  for (const name of params.names()) params.load(name, weights.get(name)!);
  if (from.optimizer) {
    const m = new Map(from.optimizer.expAvg);
    const v = new Map(from.optimizer.expAvgSq);
    for (const s of trainer.optimizer.state()) {
      if (m.get(s.name)?.length !== s.m.size || v.get(s.name)?.length !== s.v.size)
        throw new ModelConfigError([`the imported optimizer state of ${s.name} does not fit`]);
      trainer.backend.write(s.m.buf, m.get(s.name)!);
      trainer.backend.write(s.v.buf, v.get(s.name)!);
    }
    trainer.optimizer.stepCount = from.optimizer.step;
    trainer.step = Math.min(from.optimizer.step, trainer.config.steps);
  }
  trainer.model.weightsChanged();
}
