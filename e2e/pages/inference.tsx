/**
 * The inference panel on its own page, for e2e/inference.spec.ts: the panel with the engine's
 * CPU backend as the comparison, and `window.__inferencePage.run` to run an exported model on
 * one execution provider and hand back every output.
 */
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { CpuBackend } from '../../src/engine';
import { engineLogits, type InferenceBatch } from '../../src/infer/engineLogits';
import { createSession, type ExecutionProvider } from '../../src/infer/session';
import { InferencePanel } from '../../src/ui/inference/InferencePanel';

export interface PageRun {
  provider: string;
  logits: number[];
  factors: Record<string, number[]>;
}

declare global {
  interface Window {
    __inferencePage: {
      run(
        model: number[],
        provider: ExecutionProvider,
        batch: { batch: number; tokens: number[]; mask: number[] },
        seqLen: number,
      ): Promise<PageRun>;
    };
  }
}

window.__inferencePage = {
  async run(model, provider, b, seqLen) {
    const session = await createSession(Uint8Array.from(model), provider);
    try {
      const batch: InferenceBatch = { batch: b.batch, tokens: Int32Array.from(b.tokens), mask: Float32Array.from(b.mask) };
      const out = await session.run(batch, seqLen);
      return {
        provider: session.provider,
        logits: [...out.logits],
        factors: Object.fromEntries([...out.factors].map(([k, v]) => [k, [...v.data]])),
      };
    } finally {
      await session.release();
    }
  },
};

const cpu = new CpuBackend('f32');
createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <InferencePanel engineLogits={(config, weights, batch) => engineLogits(cpu, config, weights, batch)} />
  </StrictMode>,
);
