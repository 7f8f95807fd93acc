/**
 * Time the tfjs peer's training step for every (variant, length) where our training step ran,
 * at the same batch, with the same warm-up and repeats; the ratio is tfjs ms ÷ ours. The caller
 * imports tfjs and selects its WebGPU backend first (Node: scripts/bench/tfjsNode.ts; browser:
 * the Scaling view and the e2e page), so this file stays free of environment set-up.
 */
import type * as TF from '@tensorflow/tfjs';
import { benchConfig, type PeerRow, type SweepOptions, type SweepResult, type Variant } from '../sweep';
import { spreadOf } from '../stats';
import { buildTfjsModel, type TfjsModelConfig } from './model';

/** The peer's name in results, with the tfjs version and backend. */
function tfjsPeerName(tf: typeof TF): string {
  return `tfjs ${tf.version.tfjs} (${tf.getBackend()})`;
}

/** The variants the tfjs peer implements (src/bench/tfjs/model.ts); rows of the others get no peer row. */
export const TFJS_VARIANTS: readonly Variant[] = ['softmax', 'nystrom', 'proxy'];

function tfjsVariant(v: Variant): v is TfjsModelConfig['attention'] {
  return TFJS_VARIANTS.includes(v);
}

/** Run the tfjs training step next to each of our training rows that ran (variants it implements only). */
export async function tfjsTrainingPeer(
  tf: typeof TF,
  ours: SweepResult,
  opts: Pick<SweepOptions, 'warmup' | 'repeats' | 'overrides'> & { maxLength?: number },
  onRow?: (row: PeerRow) => void,
): Promise<PeerRow[]> {
  const out: PeerRow[] = [];
  const peer = tfjsPeerName(tf);
  for (const row of ours.rows.filter((r) => r.mode === 'train' && r.status === 'ok' && r.n <= (opts.maxLength ?? Infinity))) {
    const variant = row.variant;
    if (!tfjsVariant(variant)) continue;
    const c = { ...benchConfig(variant, row.n, row.batch, opts.overrides), attention: variant };
    const base = { peer, variant: row.variant, mode: 'train' as const, n: row.n, batch: row.batch };
    let result: PeerRow;
    const model = buildTfjsModel(tf, { ...c });
    const optimizer = tf.train.adam(c.lr, c.beta1, c.beta2, c.adamEps);
    const tokens = tf.randomUniform([row.batch, row.n], 1, c.vocabSize, 'int32', 7);
    const mask = tf.ones([row.batch, row.n]);
    const labels = tf.randomUniform([row.batch], 0, c.numClasses, 'int32', 8);
    try {
      const step = async () => {
        const loss = optimizer.minimize(() => model.loss(tokens, mask, labels, true), true, model.variables)!;
        await loss.data();
        loss.dispose();
      };
      for (let i = 0; i < opts.warmup; i++) await step();
      const samples: number[] = [];
      for (let i = 0; i < opts.repeats; i++) {
        const t0 = performance.now();
        await step();
        samples.push(performance.now() - t0);
      }
      const ms = spreadOf(samples);
      result = {
        ...base,
        status: 'ok',
        ms,
        ratioToOurs: ms.median / row.ms!.median,
        note: 'tf.train.adam (= AdamW at weight decay 0); each sample ends with a read-back of the loss',
      };
    } catch (e) {
      result = { ...base, status: 'error', note: `${(e as Error).name}: ${(e as Error).message}` };
    } finally {
      model.dispose();
      optimizer.dispose();
      tf.dispose([tokens, mask, labels]);
    }
    out.push(result);
    onRow?.(result);
  }
  return out;
}
