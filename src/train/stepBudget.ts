/**
 * The dispatch budget of one training step of the paper preset (docs/gpu.md "Dispatches per
 * step"): on a real GPU each dispatch has a fixed cost of several microseconds, so a step that
 * issues a thousand of them pays milliseconds before any arithmetic. The count of a step hardly
 * depends on the batch or the length, so a small paper-shaped step checks the budget
 * (src/train/stepBudget.test.ts) and `npm run bench:step` prints the paper shape's count beside it.
 */

/** The preset the budget is stated for. */
export const STEP_BUDGET_PRESET = 'listops-proxy-paper';

/** Dispatches of that step before the fused paths (commit 1a3744f, SwiftShader, B 2 and B 32 at n 2048). */
export const STEP_DISPATCHES_BEFORE = 948;

/** The aim: half of STEP_DISPATCHES_BEFORE. Met at db6843f (465 at n 2048; docs/gpu.md "Dispatches per step"). */
export const STEP_DISPATCH_TARGET = 474;

/**
 * Dispatches one training step of that preset may record now (forward, backward, clipping,
 * AdamW): the measured count (465 at n 2048, 459 at n 64), rounded up, within the target.
 */
export const STEP_DISPATCH_BUDGET = 470;
