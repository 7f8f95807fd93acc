/** Embedding lookup; its backward adds rows back into the table (repeated ids accumulate). */
import { record } from '../autograd';
import type { Tensor } from '../tensor';
import { checkInputs, output } from './util';

/** table [V, D] indexed by i32 ids [...] → [..., D]. */
export function embedding(table: Tensor, ids: Tensor): Tensor {
  checkInputs('embedding', [table]);
  checkInputs('embedding ids', [ids], 'i32');
  if (table.rank !== 2) throw new Error(`embedding: table ${table.describe()} must be [vocab, dim]`);
  const dim = table.shape[1];
  const y = output(table, [...ids.shape, dim], 'embedding');
  table.backend.gather(table.buf, ids.buf, y.buf, ids.size, dim);
  return record('embedding', y, [table], (g, sink) =>
    sink.into(table, (d, acc) => {
      if (!acc) table.backend.fill(d.buf, 0);
      table.backend.scatterAdd(ids.buf, g.buf, d.buf, ids.size, dim);
    }),
  );
}
