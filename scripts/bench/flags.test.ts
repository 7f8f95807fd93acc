import { describe, expect, it } from 'vitest';
import { flagProblem } from './flags';

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
});
