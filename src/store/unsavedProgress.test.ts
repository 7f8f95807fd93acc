import { describe, expect, it } from 'vitest';
import { hasUnsavedProgress } from './trainingState';

describe('leaving the page while training', () => {
  const s = { runState: 'running' as const, runId: 'r', step: 40 };
  it('warns before the first checkpoint and between checkpoints', () => {
    expect(hasUnsavedProgress({ ...s, lastCheckpoint: null })).toBe(true);
    expect(hasUnsavedProgress({ ...s, lastCheckpoint: { runId: 'r', step: 30, bytes: 1 } })).toBe(true);
    expect(hasUnsavedProgress({ ...s, lastCheckpoint: { runId: 'other', step: 50, bytes: 1 } })).toBe(true);
  });
  it('does not warn when everything is saved or nothing is training', () => {
    expect(hasUnsavedProgress({ ...s, lastCheckpoint: { runId: 'r', step: 40, bytes: 1 } })).toBe(false);
    expect(hasUnsavedProgress({ ...s, runState: 'finished', lastCheckpoint: null })).toBe(false);
    expect(hasUnsavedProgress({ ...s, runState: 'idle', runId: null, lastCheckpoint: null })).toBe(false);
  });
});
