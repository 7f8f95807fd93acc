/** Row softmax over the last axis, and the fused log-softmax + cross-entropy loss with integer labels. */
import { record, willRecord } from '../autograd';
import type { Tensor } from '../tensor';
import { checkInputs, output, writeOrAdd } from './util';

/** softmax over the last axis (attention probabilities on [B, H, n, m] work as rows). */
export function softmax(x: Tensor): Tensor {
  checkInputs('softmax', [x]);
  const cols = x.shape[x.rank - 1];
  const rows = x.size / cols;
  const y = output(x, x.shape, 'softmax');
  x.backend.softmax(x.buf, y.buf, rows, cols);
  return record('softmax', y, [x], (g, sink) => sink.into(x, (d, acc) => x.backend.softmaxBackward(y.buf, g.buf, d.buf, rows, cols, acc)));
}

/**
 * Mean over rows of −log softmax(logits)[label]: logits [..., C] (rows = all leading dims),
 * labels i32 with one entry per row. Shape []. As F.cross_entropy with reduction 'mean'.
 */
export function crossEntropy(logits: Tensor, labels: Tensor): Tensor {
  checkInputs('crossEntropy', [logits]);
  checkInputs('crossEntropy labels', [labels], 'i32');
  const classes = logits.shape[logits.rank - 1];
  const rows = logits.size / classes;
  if (labels.size !== rows)
    throw new Error(`crossEntropy: labels ${labels.describe()} must have one entry per row of logits ${logits.describe()} (${rows})`);
  const be = logits.backend;
  const lossRows = output(logits, [rows], 'crossEntropy rows');
  // The gradient (softmax − onehot)/rows comes out of the same kernel; keep it only if backward will need it.
  const dlogits = willRecord(logits) ? output(logits, logits.shape, 'crossEntropy dlogits') : null;
  be.crossEntropy(logits.buf, labels.buf, lossRows.buf, dlogits?.buf ?? null, rows, classes, 1 / rows);
  const y = output(logits, [], 'crossEntropy');
  be.reduce('sum', lossRows.buf, y.buf, 1, rows, 1, 1 / rows, false);
  lossRows.dispose();
  return record('crossEntropy', y, [logits], (g, sink) =>
    sink.into(logits, (d, acc) =>
      writeOrAdd(d, acc, (out) => be.binary('mul', dlogits!.buf, g.buf, out, [1, 1, 1, logits.size], [0, 0, 0, 1], [0, 0, 0, 0])),
    ),
  );
}
