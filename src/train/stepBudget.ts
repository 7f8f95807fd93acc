/**
 * The dispatch budget of one training step of the paper preset (docs/gpu.md "Dispatches per
 * step"): on a real GPU each dispatch has a fixed cost of several microseconds, so a step that
 * issues a thousand of them pays milliseconds before any arithmetic. The count of a step does
 * not depend on the batch or the length, so a small paper-shaped step checks it
 * (src/train/stepBudget.test.ts) and `npm run bench:step` prints it beside the budget.
 */

/** The preset the budget is stated for. */
export const STEP_BUDGET_PRESET = 'listops-proxy-paper';

/** Dispatches one training step of that preset may record (forward, backward, clipping, AdamW). */
export const STEP_DISPATCH_BUDGET = 474;
