/** The rule helpers other layers call instead of restating them (batch check, ONNX exporter, inference inputs). */
import { describe, expect, it } from 'vitest';
import { defaultConfig } from './defaults';
import { checkRules, checkShapeRules, dividesMnist, segmentsFit, usesSegments } from './rules';

describe('config rules shared with other layers', () => {
  it('takes segment means for Nyströmformer and segment injection only', () => {
    expect(usesSegments({ attention: 'nystrom', injection: 'attend' })).toBe(true);
    expect(usesSegments({ attention: 'proxy', injection: 'segment' })).toBe(true);
    expect(usesSegments({ attention: 'proxy', injection: 'mean' })).toBe(false);
    expect(usesSegments({ attention: 'softmax', injection: 'segment' })).toBe(false);
  });

  it('asks n to be a multiple of m only where segment means are taken', () => {
    expect(segmentsFit({ attention: 'nystrom', injection: 'attend', landmarks: 4 }, 16)).toBe(true);
    expect(segmentsFit({ attention: 'nystrom', injection: 'attend', landmarks: 4 }, 18)).toBe(false);
    expect(segmentsFit({ attention: 'proxy', injection: 'attend', landmarks: 4 }, 18)).toBe(true);
    expect(segmentsFit({ attention: 'proxy', injection: 'segment', landmarks: 4 }, 18)).toBe(false);
  });

  it('refuses attention dropout with fused softmax, naming both ways out', () => {
    const fused = { ...defaultConfig('listops', 'softmax'), softmaxImpl: 'fused' as const };
    const issues = checkRules({ ...fused, attentionDropout: 0.1 }).filter((i) => i.key === 'attentionDropout');
    expect(issues.map((i) => i.message)).toEqual([
      "attentionDropout 0.1 needs the probabilities, which softmaxImpl 'fused' never stores: set attentionDropout 0, or softmaxImpl 'materialized'.",
    ]);
    expect(checkRules({ ...fused, attentionDropout: 0 }).filter((i) => i.key === 'attentionDropout')).toEqual([]);
  });

  it('lets an image side divide MNIST’s 28 pixels and nothing else', () => {
    expect([28, 14, 7, 4, 2, 1].every(dividesMnist)).toBe(true);
    expect([0, 3, 5, 13, 27, 56, 3.5, -7].some(dividesMnist)).toBe(false);
  });

  it('reports the shape rules inside checkRules, with the same messages', () => {
    const bad = { ...defaultConfig('listops', 'nystrom'), heads: 3, seqLen: 2000, listopsMaxLen: 1999, convKernel: 4 };
    const shape = checkShapeRules(bad);
    expect(shape.map((i) => i.key)).toEqual(['heads', 'seqLen', 'convKernel']);
    expect(checkRules(bad).slice(0, 3)).toEqual(shape);
    // Softmax has no landmarks and no conv skip: only the heads rule applies.
    expect(checkShapeRules({ ...bad, attention: 'softmax' }).map((i) => i.key)).toEqual(['heads']);
  });
});
