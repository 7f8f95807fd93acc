import { describe, expect, it } from 'vitest';
import { parseTrainArgs } from './args';
import { describeDataset, loadDataFile, splitDataArgs } from './data';
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

  it('checks the run id before anything is written: no separators, no "..", no absolute paths, no control characters', () => {
    for (const bad of ['../escape', '/tmp/abs', 'a/b', 'a\\b', '..', '.hidden', 'tab\there', 'nl\nx', 'x'.repeat(81)]) {
      const r = parseTrainArgs(['--run-id', bad]);
      expect(r.ok, JSON.stringify(bad)).toBe(false);
      if (!r.ok) expect(r.errors.join('\n')).toMatch(/^--run-id: run id .* is not allowed: use 1–80 letters, digits/);
    }
    expect(parseTrainArgs(['--run-id', 'my-run_2.b']).ok).toBe(true);
  });

  it('takes --tune and --clear-tune-cache as switches (off by default)', () => {
    const r = parseTrainArgs(['--tune', '--steps', '500', '--clear-tune-cache']);
    expect(r.ok && [r.args.tune, r.args.clearTuneCache, r.args.config.steps]).toEqual([true, true, 500]);
    const plain = parseTrainArgs(['--steps', '500']);
    expect(plain.ok && [plain.args.tune, plain.args.clearTuneCache]).toEqual([false, false]);
  });

  it('keeps the config flags given, which override a resumed run', () => {
    const r = parseTrainArgs(['--resume', '--run-id', 'r1', '--lr', '0.0005', '--steps', '900']);
    expect(r.ok && r.args.resume && r.args.overrides).toEqual({ lr: 0.0005, steps: 900 });
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
    // Messages name the field by its label and the flag that sets it.
    expect(r.errors.join('\n')).toMatch(/^Width d \(--dModel\) \d+ is not divisible by Heads \(--heads\) 3: use Heads \(--heads\) /);
    const s = parseTrainArgs(['--preset', 'quick-listops-proxy', '--steps', 'many']);
    expect(s.ok).toBe(false);
    if (s.ok) return;
    expect(s.errors).toEqual([
      expect.stringMatching(/^Training steps \(--steps\) "many" is not a finite number: allowed an integer from 1 to/),
    ]);
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

describe('npm run train -- --data FILE', () => {
  const csv =
    'text,label\n' +
    Array.from({ length: 300 }, (_, i) => `${i % 2 ? 'zebra ' : ''}row ${i} ${'x'.repeat(i % 90)},${i % 2 ? 'yes' : 'no'}`).join('\n');

  it('takes the data flags out of argv and checks them', () => {
    const r = splitDataArgs(['--data', 'a.csv', '--steps', '5', '--label-column=y', '--split-seed', '4', '--data-kind', 'pairs']);
    expect(r.errors).toEqual([]);
    expect(r.rest).toEqual(['--steps', '5']);
    expect(r.data).toMatchObject({
      path: 'a.csv',
      kind: 'pairs',
      columns: { label: 'y' },
      splitSeed: 4,
      seqLen: 1024,
      validationPercent: 10,
    });
    expect(splitDataArgs(['--text-column', 'x']).errors).toEqual(['--text-column needs --data FILE']);
    const bad = splitDataArgs(['--data', 'a.csv', '--test-percent', '80', '--data-kind', 'image']).errors.join(' ');
    expect(bad).toMatch(/--test-percent "80" must be an integer from 1 to 49/);
    expect(bad).toMatch(/--data-kind "image" is not known: use text or pairs \(images: import the zip in the page/);
  });

  it('with --data alone: a quick model sized to the data, the dataset keys set, config flags still win', async () => {
    const loaded = await loadDataFile(splitDataArgs(['--data', 'kw.csv']).data!, new TextEncoder().encode(csv));
    expect(describeDataset(loaded.id, loaded.dataset)).toMatch(/^dataset kw \([0-9a-f]{16}\): text, 2 classes, 300 distinct examples/);
    const r = parseTrainArgs(['--backend', 'cpu', '--layers', '2'], { id: loaded.id, file: loaded.file });
    expect(r.ok, r.ok ? '' : r.errors.join(' ')).toBe(true);
    if (!r.ok) return;
    const c = r.args.config;
    expect([c.task, c.dataId, c.dataName, c.dataKind, c.numClasses, c.vocabSize, c.twoTower]).toEqual([
      'custom',
      loaded.id,
      'kw',
      'text',
      2,
      257,
      false,
    ]);
    expect([c.dataTrain, c.dataValidation, c.dataTest]).toEqual([
      loaded.dataset.header.sizes.train,
      loaded.dataset.header.sizes.validation,
      loaded.dataset.header.sizes.test,
    ]);
    expect(c.seqLen).toBe(112); // the longest row, "zebra row 299 " + 89 x = 103 bytes, rounded up to 16
    expect([c.dModel, c.layers, c.batchSize]).toEqual([32, 2, 16]);
    expect(r.args.runId).toBe(`data-kw-${loaded.id.slice(0, 8)}-0`);
    const preset = parseTrainArgs(['--preset', 'quick-image-softmax', '--seqLen', '64', '--landmarks', '16'], {
      id: loaded.id,
      file: loaded.file,
    });
    expect(preset.ok && preset.args.config.attention).toBe('softmax');
  });

  it('a bad file is refused with the limit it broke', async () => {
    const bad = new Uint8Array([...new TextEncoder().encode('text,label\nab'), 0xff, ...new TextEncoder().encode(',1\nc,2\n')]);
    await expect(loadDataFile(splitDataArgs(['--data', 'bad.csv']).data!, bad)).rejects.toThrow(/not valid UTF-8: byte offset 13/);
  });
});
