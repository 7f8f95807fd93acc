/**
 * The onnxruntime-web peer (browser only: its WebGPU execution provider needs a page or worker):
 * our model at each (variant, length) where our inference ran is exported to ONNX
 * (src/io/onnx/export.ts) with the same weights and timed on the `webgpu` provider alone, same
 * batch, warm-up and repeats; the ratio is onnxruntime ms ÷ ours. Each sample is one
 * `session.run` including the read-back of the logits, as our inference samples.
 */
import { CpuBackend } from '../engine';
import { createSession } from '../infer/session';
import { exportOnnx, type ExportConfig } from '../io/onnx/export';
import { placementOf } from '../infer/placement';
import { buildModel } from '../model/model';
import { benchConfig, type PeerRow, type SweepOptions, type SweepResult } from './sweep';
import { spreadOf } from './stats';

/** The weights of the sweep's model for a config, by contract name (initialised on the CPU backend: same seed, same values). */
async function weightsFor(config: ReturnType<typeof benchConfig>): Promise<Map<string, Float32Array>> {
  const { task: _task, ...modelOnly } = config;
  const model = buildModel(new CpuBackend('f32'), modelOnly, config.initSeed, { batchSize: config.batchSize });
  try {
    const read = await model.params.read();
    return new Map([...read].map(([name, t]) => [name, Float32Array.from(t.data)]));
  } finally {
    model.dispose();
  }
}

/** Time onnxruntime-web's WebGPU provider on our exported model next to each of our inference rows. */
export async function ortInferencePeer(
  ours: SweepResult,
  opts: Pick<SweepOptions, 'warmup' | 'repeats' | 'overrides'> & { maxLength?: number },
  onRow?: (row: PeerRow) => void,
): Promise<PeerRow[]> {
  const out: PeerRow[] = [];
  for (const row of ours.rows.filter((r) => r.mode === 'inference' && r.status === 'ok' && r.n <= (opts.maxLength ?? Infinity))) {
    const base = { peer: 'onnxruntime-web (webgpu EP)', variant: row.variant, mode: 'inference' as const, n: row.n, batch: row.batch };
    let result: PeerRow;
    try {
      const c = benchConfig(row.variant, row.n, row.batch, opts.overrides);
      const model = exportOnnx(c as unknown as ExportConfig, await weightsFor(c));
      const session = await createSession(model, 'webgpu');
      try {
        const tokens = Int32Array.from({ length: row.batch * row.n }, (_, i) => 1 + ((i * 7) % (c.vocabSize - 1)));
        const mask = new Float32Array(row.batch * row.n).fill(1);
        const run = async () => {
          const t0 = performance.now();
          await session.run({ batch: row.batch, tokens, mask }, row.n);
          return performance.now() - t0;
        };
        for (let i = 0; i < opts.warmup; i++) await run();
        const samples: number[] = [];
        for (let i = 0; i < opts.repeats; i++) samples.push(await run());
        const ms = spreadOf(samples);
        result = {
          ...base,
          status: 'ok',
          ms,
          ratioToOurs: ms.median / row.ms!.median,
          note: `provider ${session.provider} (${placementOf(session.provider, session.wasmThreads, c.attention)}); each sample is session.run with the read-back of the logits`,
        };
      } finally {
        await session.release();
      }
    } catch (e) {
      result = { ...base, status: 'error', note: `${(e as Error).name}: ${(e as Error).message}` };
    }
    out.push(result);
    onRow?.(result);
  }
  return out;
}
