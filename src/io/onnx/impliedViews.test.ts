/**
 * The implied n×n views (Performer, linear attention, BigBird's sparse rows, Reformer) are
 * exported only while n ≤ IMPLIED_VIEW_MAX_N; the other views stay, and softmax's own n×n
 * probabilities (computed anyway) are exported at any n. src/model/views.test.ts checks the
 * limit equals the engine's.
 */
import { describe, expect, it } from 'vitest';
import type { ExportConfig } from './config.ts';
import { parameterShapes } from './config.ts';
import { exportOnnx } from './export.ts';
import { IMPLIED_VIEW_MAX_N } from './attentionInput.ts';
import { modelProtoType, type ModelMessage } from './proto.ts';
import { tinyConfig } from './testing/harness.ts';
import { randomWeights } from '../testing/random.ts';

function outputs(c: ExportConfig): string[] {
  const bytes = exportOnnx(c, randomWeights(parameterShapes(c), 3), { attentionOutputs: true });
  const model = modelProtoType().toObject(modelProtoType().decode(bytes)) as ModelMessage;
  return model.graph.output.map((o) => o.name).filter((name) => name.startsWith('layers.0.'));
}

const small: Partial<ExportConfig> = { layers: 1, dModel: 4, heads: 1, ffn: 4 };
const CASES: [Partial<ExportConfig>, string, string[]][] = [
  [{ attention: 'performer', performerKernel: 'relu' }, 'attention', []],
  [{ attention: 'linear' }, 'attention', []],
  [{ attention: 'bigbird', bigbirdBlock: 64, bigbirdRandom: 1 }, 'attention', ['block_pattern']],
  [{ attention: 'reformer', reformerHashes: 1, reformerChunk: 64 }, 'attention_implied', ['lsh_buckets']],
];

describe('implied n×n views', () => {
  for (const [over, implied, others] of CASES) {
    it(`${over.attention}: ${implied} up to n = ${IMPLIED_VIEW_MAX_N} only; ${others.join(', ') || 'no other view'} at any n`, () => {
      const at = (seqLen: number) => outputs(tinyConfig({ ...small, ...over, seqLen }));
      expect(at(IMPLIED_VIEW_MAX_N)).toEqual(expect.arrayContaining([`layers.0.${implied}`, ...others.map((o) => `layers.0.${o}`)]));
      const long = at(2 * IMPLIED_VIEW_MAX_N);
      expect(long).not.toContain(`layers.0.${implied}`);
      expect(long).toEqual(expect.arrayContaining(others.map((o) => `layers.0.${o}`)));
    });
  }

  it('softmax keeps its n×n probabilities at any n (they are computed anyway)', () => {
    expect(outputs(tinyConfig({ ...small, attention: 'softmax', seqLen: 2 * IMPLIED_VIEW_MAX_N }))).toContain('layers.0.attention');
  });
});
