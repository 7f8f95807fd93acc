import { describe, expect, it } from 'vitest';
import { CpuBackend, noGrad } from '../../engine';
import { buildModel } from '../../model/model';
import { ImportError } from '../errors';
import { readBundle, writeBundle } from './index';
import { loadIntoStore, weightsFromStore } from './store';
import { seededWeights, tinyRunConfig } from './testing/fixtures';

describe('bundles and the parameter store', () => {
  it('a model\'s weights go into a bundle and come back into another model unchanged; a mismatch loads nothing', async () => {
    const config = tinyRunConfig({ attention: 'proxy', proxyParam: 'per-head', injection: 'mean' });
    const cpu = new CpuBackend('f32');
    const a = buildModel(cpu, config, 1);
    const b = buildModel(cpu, config, 2);
    try {
      const written = await weightsFromStore(a.params);
      const run = readBundle(writeBundle({ config, weights: written }));
      loadIntoStore(b.params, run.weights);
      const loaded = await weightsFromStore(b.params);
      for (const [name, w] of written) expect(loaded.get(name), name).toEqual(w);

      const before = await weightsFromStore(b.params);
      const other = seededWeights(config, 5);
      other.delete('norm.bias');
      other.set('head.fc2.bias', new Float32Array(3));
      let err: unknown;
      try {
        loadIntoStore(b.params, other);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(ImportError);
      expect((err as ImportError).message).toMatch(/missing norm.bias; head.fc2.bias has 3 values, the model 10/);
      expect(await weightsFromStore(b.params)).toEqual(before); // nothing was written
    } finally {
      noGrad(() => {
        a.dispose();
        b.dispose();
      });
    }
  });
});
