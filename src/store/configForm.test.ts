import { describe, expect, it } from 'vitest';
import { decodeHash, defaultConfig, encodeHash, paramSpec } from '../config';
import { DEFAULT_PRESET, PRESETS } from '../presets';
import {
  changeAttention,
  changeTask,
  checkForm,
  hashFor,
  initialValues,
  matchingPreset,
  parseNumberInput,
  presetValues,
  setValue,
  valuesFromHash,
  visibleKeys,
} from './configForm';
import { createConfigStore } from './configStore';

describe('configuration form logic', () => {
  it('starts from the default preset, which it recognises', () => {
    const v = initialValues();
    const check = checkForm(v);
    expect(check.ok).toBe(true);
    expect(matchingPreset(check.config)).toBe(DEFAULT_PRESET);
  });

  it('a bad value gets the validator message naming the value and what is allowed, and the form is not ok', () => {
    const check = checkForm(setValue(initialValues(), 'layers', 99));
    expect(check.ok).toBe(false);
    expect(check.issues.find((i) => i.key === 'layers')?.message).toBe(
      'Layers 99 is above the maximum 12: allowed an integer from 1 to 12.',
    );
    // An empty or unreadable field is said to be so, under the field's label (not "lr NaN").
    const typed = checkForm(setValue(initialValues(), 'lr', parseNumberInput('abc')));
    expect(typed.issues.find((i) => i.key === 'lr')?.message).toMatch(/^Learning rate is empty or not a number: allowed a number from /);
    // Combinations name every field by its label too.
    const heads = checkForm(setValue(setValue(initialValues(), 'dModel', 32), 'heads', 3));
    expect(heads.issues.find((i) => i.key === 'heads')?.message).toMatch(/^Width d 32 is not divisible by Heads 3: use Heads 1, 2, 4/);
    expect(heads.issues.map((i) => i.message).join(' ')).not.toMatch(/dModel|heads \d/);
    expect(hashFor(setValue(initialValues(), 'layers', 99))).toBeNull(); // an invalid form never becomes a link
  });

  it('an invalid landmark count gets one message, about the value typed, not about the default standing in for it', () => {
    const base = { ...setValue(initialValues(), 'attention', 'nystrom'), seqLen: 64, listopsMaxLen: 60, listopsMinLen: 10, landmarks: 16 };
    expect(checkForm(base).ok).toBe(true);
    for (const typed of [0, 5000, parseNumberInput('abc')]) {
      const check = checkForm({ ...base, landmarks: typed });
      expect(check.ok).toBe(false);
      const errors = check.issues.filter((i) => i.severity === 'error');
      expect(errors.map((i) => i.key)).toEqual(['landmarks']);
      expect(errors[0].message).toMatch(/^Landmarks \/ proxies m /);
      // The default (128 landmarks, more than the 64 tokens) is never reported.
      expect(check.issues.map((i) => i.message).join(' ')).not.toMatch(/128/);
    }
  });

  it('parses number fields strictly', () => {
    expect(parseNumberInput(' 1e-3 ')).toBe(0.001);
    expect(parseNumberInput('')).toBeNaN();
    expect(parseNumberInput('12abc')).toBeNaN();
    expect(parseNumberInput('0x10')).toBeNaN();
  });

  it('switching the task takes its per-task defaults and keeps the chosen model sizes', () => {
    const v = setValue(initialValues(), 'dModel', 48);
    const t = changeTask(v, 'image');
    expect(t.task).toBe('image');
    expect(t.dModel).toBe(48);
    expect(t.numClasses).toBe(defaultConfig('image').numClasses);
    expect(t.seqLen).toBe(defaultConfig('image').seqLen);
  });

  it('switching the variant resets only what depends on it, and shows only the keys that apply', () => {
    const n = changeAttention(initialValues(), 'nystrom');
    expect(n.pinvInit).toBe('global');
    expect(n.landmarks).toBe(PRESETS[DEFAULT_PRESET].config.landmarks);
    expect(visibleKeys(n)).not.toContain('injection');
    expect(visibleKeys(changeAttention(initialValues(), 'softmax'))).not.toContain('landmarks');
    expect(visibleKeys(initialValues())).toContain('injection');
    expect(visibleKeys(initialValues())).toContain('listopsMaxDepth');
    expect(visibleKeys(initialValues())).not.toContain('imageSize');
  });

  it('round-trips through the hash; clamps out-of-range values and ignores unknown keys with notices', () => {
    const v = setValue(initialValues(), 'lr', 0.003);
    const hash = hashFor(v)!;
    expect(valuesFromHash(`#${hash}`).values).toEqual(checkForm(v).config);
    const bad = valuesFromHash(`#${hash.replace('ly=2', 'ly=99')}&zz=1`);
    expect(bad.values.layers).toBe(12);
    expect(bad.notices.map((n) => n.message).join(' ')).toMatch(/layers 99 is above the maximum 12: clamped to 12/);
    expect(bad.notices.map((n) => n.message).join(' ')).toMatch(/unknown URL key "zz" ignored/);
    expect(valuesFromHash('').values).toEqual(initialValues());
  });

  it('the store derives checks, presets and link notices', () => {
    const store = createConfigStore(`#${encodeHash(PRESETS['quick-image-softmax'].config)}`);
    expect(store.getState().preset).toBe('quick-image-softmax');
    store.getState().set('layers', 3);
    expect(store.getState().preset).toBeNull();
    store.getState().set('heads', 5);
    expect(store.getState().ok).toBe(false);
    store.getState().applyPreset('quick-listops-nystrom');
    expect(store.getState()).toMatchObject({ ok: true, preset: 'quick-listops-nystrom', linkNotices: [] });
    expect(() => store.getState().applyPreset('nope')).toThrow(/unknown preset nope; known: quick-listops-proxy/);
    store.getState().loadHash('v=1&t=listops&ly=0');
    expect(store.getState().linkNotices[0].message).toMatch(/layers 0 is below the minimum 1: clamped to 1/);
    expect(decodeHash(hashFor(store.getState().values)!).config.layers).toBe(1);
  });
});

describe('the baselines in the form and the link', () => {
  it('switching to Linformer or Performer shows their keys, with provenance, and hides the Nyström ones', () => {
    const lin = changeAttention(initialValues(), 'linformer');
    const keys = visibleKeys(lin);
    expect(keys).toEqual(expect.arrayContaining(['linformerK', 'linformerSharing']));
    for (const k of ['landmarks', 'pinvIterations', 'injection', 'performerFeatures'] as const) expect(keys).not.toContain(k);
    const perf = visibleKeys(changeAttention(initialValues(), 'performer'));
    expect(perf).toEqual(expect.arrayContaining(['performerFeatures', 'performerKernel', 'performerRedraw']));
    expect(perf).not.toContain('linformerK');
    const linear = visibleKeys(changeAttention(initialValues(), 'linear'));
    for (const k of ['landmarks', 'linformerK', 'performerFeatures', 'attentionDropout'] as const) expect(linear).not.toContain(k);
    // Every new key says whether it is the paper's or our reading (the form's badge).
    for (const k of ['linformerK', 'linformerSharing', 'performerFeatures', 'performerKernel', 'performerRedraw'] as const)
      expect(paramSpec(k).provenance?.source, k).toMatch(/^(paper|ours)$/);
  });

  it("Linformer's help says E ties the model to seqLen", () => {
    for (const k of ['linformerK', 'linformerSharing'] as const) expect(paramSpec(k).help, k).toMatch(/ties the model to its seqLen/);
    expect((paramSpec('attention') as { valueHelp?: Record<string, string> }).valueHelp?.linformer).toMatch(/fixed to seqLen/);
  });

  it('a link carries the new keys and brings back the same form', () => {
    const values = setValue(
      setValue(changeAttention(presetValues('quick-listops-performer'), 'performer'), 'performerKernel', 'softmax'),
      'performerRedraw',
      50,
    );
    const hash = hashFor(values)!;
    expect(hash).toMatch(/pk=softmax/);
    expect(hash).toMatch(/prd=50/);
    expect(checkForm(valuesFromHash(hash).values).config).toEqual(checkForm(values).config);
    const lin = setValue(setValue(presetValues('quick-image-linformer'), 'linformerSharing', 'per-layer'), 'linformerK', 49);
    expect(decodeHash(hashFor(lin)!).config).toEqual(checkForm(lin).config);
    expect(matchingPreset(checkForm(presetValues('quick-listops-linear')).config)).toBe('quick-listops-linear');
  });
});
