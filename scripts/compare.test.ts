import { describe, expect, it } from 'vitest';
import { studyTable, takeCompareFlag } from './compare';

describe('--compare', () => {
  it('takes the study out of argv and leaves the rest for the ordinary parser', () => {
    const a = takeCompareFlag(['--preset', 'quick-listops-proxy', '--compare', 'paper', '--steps', '5']);
    expect(a.study?.name).toBe('paper');
    expect(a.rest).toEqual(['--preset', 'quick-listops-proxy', '--steps', '5']);
    expect(takeCompareFlag(['--compare=ablation']).study?.name).toBe('ablation');
    expect(takeCompareFlag(['--steps', '5'])).toEqual({ study: null, rest: ['--steps', '5'] });
  });

  it('refuses an unknown study, a missing one, and flags that make no sense for a study', () => {
    expect(takeCompareFlag(['--compare', 'lra']).error).toBe('--compare: study "lra" is not known: use one of ablation, paper');
    expect(takeCompareFlag(['--compare']).error).toBe('--compare needs a study: ablation, paper');
    expect(takeCompareFlag(['--compare', '--steps', '4']).error).toBe('--compare needs a study: ablation, paper');
    expect(takeCompareFlag(['--compare', 'paper', '--resume']).error).toMatch(/--resume cannot be used with --compare/);
    expect(takeCompareFlag(['--compare', 'paper', '--run-id', 'x']).error).toMatch(/--run-id cannot be used with --compare/);
  });
});

describe('the study table', () => {
  it('has one row per run, the figures of finished runs and the reason for the others', () => {
    const result = {
      steps: 100,
      bestValAccuracy: 0.305,
      testAccuracy: 0.29,
      finalTrainLoss: 1.8123,
      tokensPerSec: 12345,
      seqsPerSec: 200,
      msPerStep: 80.4,
      peakMemory: 3 * 2 ** 20,
    };
    const t = studyTable([
      { label: 'softmax', status: 'finished', result },
      { label: 'Reformer', status: 'not yet available', note: 'LSH attention is not implemented' },
    ]).split('\n');
    expect(t[0]).toBe(
      '| variant | status | steps | final train loss | best val acc | test acc | ms/step | tokens/s | peak memory (engine pool) |',
    );
    expect(t[2]).toBe('| softmax | finished | 100 | 1.812 | 30.5% | 29.0% | 80.4 | 12350 | 3.0 MiB |');
    expect(t[3]).toBe('| Reformer | not yet available: LSH attention is not implemented | – | – | – | – | – | – | – |');
  });
});
