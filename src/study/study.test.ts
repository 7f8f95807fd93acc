import { describe, expect, it } from 'vitest';
import { expandStudy, studyProblems, type Study } from './definition';
import { studyCsv, studyMarkdown, summarizeStudy, type RunOutcome } from './results';
import { ABLATION_STUDY, STUDIES } from './studies';

const tiny: Study = {
  ...ABLATION_STUDY,
  name: 'tiny',
  arms: ABLATION_STUDY.arms.filter((a) => a.name === 'full' || a.name === 'nystrom'),
  seeds: [3, 4, 5],
};

describe('study definitions', () => {
  it('every built-in study expands into valid runs, one per arm and seed, init and data seed set', () => {
    for (const s of Object.values(STUDIES)) {
      const runs = expandStudy(s);
      expect(runs).toHaveLength(s.arms.length * s.seeds.length);
      for (const r of runs) {
        expect(r.ok, `${r.id}: ${r.issues.map((i) => i.message).join(' ')}`).toBe(true);
        expect(r.config.initSeed).toBe(r.seed);
        expect(r.config.dataSeed).toBe(r.seed);
      }
      expect(new Set(runs.map((r) => r.id)).size).toBe(runs.length);
    }
  });
  it('switching the variant resets its defaults (Nyströmformer gets the global pseudo-inverse init)', () => {
    const runs = expandStudy(tiny);
    expect(runs.find((r) => r.arm.name === 'nystrom')!.config.pinvInit).toBe('global');
    expect(runs.find((r) => r.arm.name === 'full')!.config.pinvInit).toBe('per-matrix');
  });
  it('refuses fewer than 3 seeds, repeated seeds, a missing baseline and bad names, naming each', () => {
    const problems = studyProblems({ ...tiny, name: 'Bad Name', seeds: [1, 1], baseline: 'nope' });
    expect(problems.join('\n')).toMatch(/study name "Bad Name"/);
    expect(problems.join('\n')).toMatch(/repeat a seed/);
    expect(problems.join('\n')).toMatch(/at least 3 distinct seeds/);
    expect(problems.join('\n')).toMatch(/baseline "nope"/);
    expect(() => expandStudy({ ...tiny, seeds: [1, 2] })).toThrow(/at least 3/);
  });
});

describe('study results', () => {
  const outcome = (arm: string, seed: number, acc: number): RunOutcome => ({
    runId: `tiny.${arm}.s${seed}`,
    arm,
    seed,
    steps: 10,
    testAccuracy: acc,
    testExamples: 1000,
    bestValAccuracy: acc + 0.01,
    seqsPerSec: 100 + seed,
    peakMemoryPerSeq: 2 ** 20,
    redundancy: arm === 'full' ? 0.5 : 0.9,
    pinvResidual: 0.5,
    backend: 'CPU',
  });
  const outcomes = [
    outcome('full', 3, 0.4),
    outcome('full', 4, 0.42),
    outcome('full', 5, 0.45),
    outcome('nystrom', 3, 0.35),
    outcome('nystrom', 4, 0.36),
    outcome('nystrom', 5, 0.41),
  ];

  it('per arm: mean ± interval of each metric and the paired difference against the baseline', () => {
    const rows = summarizeStudy(tiny, outcomes);
    const full = rows.find((r) => r.arm === 'full')!;
    expect(full.metrics.testAccuracy!.mean).toBeCloseTo(0.423333, 5);
    expect(full.vsBaseline!.mean).toBeCloseTo(0.05, 10);
    // differences 0.05, 0.06, 0.04: sd 0.01, half-width 4.3027 · 0.01/√3
    expect(full.vsBaseline!.half).toBeCloseTo((4.30265273 * 0.01) / Math.sqrt(3), 6);
    expect(full.vsBaseline!.includesZero).toBe(false);
    expect(rows.find((r) => r.arm === 'nystrom')!.vsBaseline).toBeNull();
  });
  it('Markdown and CSV tables carry every arm, the baseline and the test-set size', () => {
    const rows = summarizeStudy(tiny, outcomes);
    const md = studyMarkdown(tiny, rows);
    expect(md).toContain('| Proxyformer | 3 | 42.3 ± ');
    expect(md).toContain('| Nyströmformer | 3 |');
    expect(md).toContain('baseline');
    expect(md).toContain('Test set: 1000 examples per run.');
    const csv = studyCsv(rows).split('\n');
    expect(csv).toHaveLength(3);
    expect(csv[1].startsWith('full,"Proxyformer",3,')).toBe(true);
  });
  it('an arm with no finished run yet shows dashes, not zeros', () => {
    const rows = summarizeStudy(
      tiny,
      outcomes.filter((o) => o.arm === 'nystrom'),
    );
    expect(rows[0].metrics.testAccuracy).toBeUndefined();
    expect(studyMarkdown(tiny, rows)).toContain('| Proxyformer | 0 | – |');
  });
});

describe('study files', () => {
  it('a JSON study with a preset base parses and expands', async () => {
    const { parseStudy } = await import('./load');
    const s = parseStudy(
      JSON.stringify({
        name: 'mine',
        base: 'quick-listops-proxy',
        seeds: [0, 1, 2],
        baseline: 'soft',
        arms: [
          { name: 'soft', attention: 'softmax' },
          { name: 'prox', attention: 'proxy', overrides: { contrastiveWeight: 1 } },
        ],
      }),
    );
    const runs = expandStudy(s);
    expect(runs.map((r) => r.id)).toEqual(['mine.soft.s0', 'mine.soft.s1', 'mine.soft.s2', 'mine.prox.s0', 'mine.prox.s1', 'mine.prox.s2']);
    expect(runs[3].config.contrastiveWeight).toBe(1);
  });
  it('names every problem of a bad file', async () => {
    const { parseStudy } = await import('./load');
    expect(() => parseStudy('{nope')).toThrow(/not JSON/);
    const bad = JSON.stringify({
      name: 'x',
      base: 'no-such-preset',
      seeds: [0],
      baseline: 'a',
      arms: [{ name: 'a', attention: 'magic', overrides: { wings: 2 } }],
    });
    expect(() => parseStudy(bad)).toThrow(/base preset "no-such-preset"[\s\S]*attention "magic"[\s\S]*unknown config keys wings/);
  });
});

describe("the papers' tables", () => {
  it('our number beside the published one, with what differs; Proxyformer says it has none', async () => {
    const { paperMarkdown, paperRow } = await import('./paperTables');
    const rows = [
      paperRow('listops', 'nystrom', { mean: 35.2, half: 1.4, seeds: 5, steps: 400 }),
      paperRow('listops', 'proxy', null),
      paperRow('image', 'softmax', { mean: 90, half: NaN, seeds: 1, steps: 10 }),
    ];
    expect(rows[0].paper).toBe(37.15);
    const md = paperMarkdown(rows);
    expect(md).toContain('| nystrom | listops | 35.2 ± 1.4 (5 seeds, 400 steps) | 37.15 (Nyströmformer paper, Table 3) |');
    expect(md).toContain('| proxy | listops | not run | not published (full text not public) |');
    expect(md).toContain('90.0 (1 seed)');
    expect(md).toContain('MNIST digits instead of grayscale CIFAR-10');
    expect(md).toContain('3.8× softmax attention');
  });
});
