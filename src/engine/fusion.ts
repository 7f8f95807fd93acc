/**
 * Whether ops and optimizers take their fused paths (fewer dispatches per step; docs/gpu.md
 * "Dispatches per step"). The composed paths stay as the reference, as llm.c keeps its simple
 * kernels beside the fast ones: `withoutFusion` runs code on them, and the tests compare the
 * losses of both (src/train/stepBudget.test.ts).
 */

let fused = true;

/** True unless inside `withoutFusion`. */
export function fusionEnabled(): boolean {
  return fused;
}

/** Run fn with every fused path switched off (the composed reference). fn must be synchronous. */
export function withoutFusion<T>(fn: () => T): T {
  const before = fused;
  fused = false;
  try {
    return fn();
  } finally {
    fused = before;
  }
}
