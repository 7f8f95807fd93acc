import { describe, expect, it } from 'vitest';
import { flagProblem, flagValue, positiveIntFlag } from './flags';

describe('benchmark flags', () => {
  const known = { '--full': 'switch', '--repeats': 'value' } as const;
  it('accepts known flags with their values', () => {
    expect(flagProblem([], known)).toBeNull();
    expect(flagProblem(['--full', '--repeats', '3'], known)).toBeNull();
  });
  it('answers --help and refuses unknown or incomplete flags, naming what is allowed', () => {
    expect(flagProblem(['--repeats', '3', '-h'], known)).toBe('help');
    expect(flagProblem(['--repeat', '3'], known)).toBe('unknown argument "--repeat"; allowed: --full, --repeats');
    expect(flagProblem(['--repeats'], known)).toBe('--repeats needs a value');
    expect(flagProblem(['--repeats', '--full'], known)).toBe('--repeats needs a value');
    expect(flagProblem(['x'], {})).toBe('unknown argument "x"; this benchmark takes no arguments');
  });

  it('reads a flag’s value and refuses a non-positive integer', () => {
    const argv = ['node', 'x.ts', '--steps', '7', '--n', '0'];
    expect(flagValue('steps', '20', argv)).toBe('7');
    expect(flagValue('warmup', '3', argv)).toBe('3');
    expect(positiveIntFlag('steps', 20, argv)).toBe(7);
    expect(positiveIntFlag('warmup', 3, argv)).toBe(3);
    expect(() => positiveIntFlag('n', 256, argv)).toThrow('--n must be a positive integer, got 0');
  });
});
