import { describe, expect, it } from 'vitest';
import { parseTrainArgs } from './args';
import { progressLine } from './progress';

describe('npm run train arguments', () => {
  it('takes a preset and overrides any config key by its schema type', () => {
    const r = parseTrainArgs(['--preset', 'quick-listops-softmax', '--steps', '100', '--lr=0.002', '--out', '/tmp/x', '--backend', 'cpu']);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.args.config.attention).toBe('softmax');
    expect(r.args.config.steps).toBe(100);
    expect(r.args.config.lr).toBe(0.002);
    expect(r.args.backend).toBe('cpu');
    expect(r.args.out).toBe('/tmp/x');
    expect(r.args.runId).toBe(`quick-listops-softmax-${r.args.config.initSeed}`);
  });

  it('refuses unknown presets, unknown flags and bad values with messages naming them', () => {
    const r = parseTrainArgs(['--preset', 'nope', '--bogus', '1', '--backend', 'tpu']);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    const all = r.errors.join('\n');
    expect(all).toMatch(/preset "nope" does not exist: use one of .*quick-listops-proxy/);
    expect(all).toMatch(/--bogus is not an option or a config key/);
    expect(all).toMatch(/--backend "tpu" is not known/);
  });

  it('validates the resulting config like the form does', () => {
    const r = parseTrainArgs(['--preset', 'quick-listops-proxy', '--heads', '3']);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors.join('\n')).toMatch(/heads/);
    const s = parseTrainArgs(['--preset', 'quick-listops-proxy', '--steps', 'many']);
    expect(s.ok).toBe(false);
  });

  it('asks for help', () => {
    expect(parseTrainArgs(['--help'])).toEqual({ ok: false, errors: [], help: true });
  });
});

describe('progress line', () => {
  it('shows step, loss, accuracy, throughput and ETA', () => {
    const line = progressLine({ step: 50, totalSteps: 200, loss: 1.23456, trainAccuracy: 0.5, tokensPerSec: 12345, elapsedMs: 10_000 }, 10);
    expect(line).toContain('███░░░░░░░');
    expect(line).toContain(' 50/200');
    expect(line).toContain('loss 1.2346');
    expect(line).toContain('50.0%');
    expect(line).toContain('12.3k tok/s');
    expect(line).toContain('ETA 00:30');
  });
  it('prints a non-finite loss as it is', () => {
    expect(progressLine({ step: 1, totalSteps: 2, loss: NaN, tokensPerSec: 0, elapsedMs: 0 })).toContain('loss NaN');
  });
});
