/** Embedding lookup (gather) and its backward (scatter-add), both deterministic: no atomics. */
import type { Buf } from '../../backend';
import { NO_CONSTANTS, WG, type Dispatcher } from '../dispatcher';
import { kernel, shader } from '../shader';
import { uniforms } from '../uniforms';
import { fillZeros } from './copy';
import { sumChunks } from './reduce';
import embeddingWgsl from './embedding.wgsl?raw';
import specialWgsl from './special.wgsl?raw';

const embeddingShader = shader(
  'embedding',
  uniforms({ count: 'u32', dim: 'u32', vocab: 'u32', parts: 'u32', chunk: 'u32' }, { chunk: 0 }),
  embeddingWgsl,
  [specialWgsl],
);
const GATHER = kernel(embeddingShader, 'gather', 'rrw');
const SCATTER_ADD = kernel(embeddingShader, 'scatter_add', 'rrw');
const SCATTER_ADD_CHUNKS = kernel(embeddingShader, 'scatter_add_chunks', 'rrw');

/** Floats of scratch the chunked embedding backward may use (16 MiB). */
const SCATTER_SCRATCH = 4 * 1024 * 1024;

export function gather(d: Dispatcher, table: Buf, ids: Buf, out: Buf, count: number, dim: number): void {
  const op = 'gather';
  d.need(op, ids, count, 'i32');
  d.need(op, out, count * dim);
  d.need(op, table, dim);
  const vocab = Math.floor(table.size / dim);
  d.run(op, GATHER, NO_CONSTANTS, { count, dim, vocab, parts: 1 }, [table, ids, out], d.grid1(Math.ceil((count * dim) / WG), op));
}

export function scatterAdd(d: Dispatcher, ids: Buf, dy: Buf, dtable: Buf, count: number, dim: number): void {
  const op = 'scatterAdd';
  d.need(op, ids, count, 'i32');
  d.need(op, dy, count * dim);
  d.need(op, dtable, dim);
  const vocab = Math.floor(dtable.size / dim);
  // Small table: split the ids into chunks, each summed into its own zeroed table slice,
  // then add the slices in order (scratch up to SCATTER_SCRATCH floats).
  const chunks = Math.min(Math.floor(SCATTER_SCRATCH / (vocab * dim)), Math.ceil(count / 64));
  if (chunks >= 4) {
    const chunk = Math.ceil(count / chunks);
    const n = chunks * vocab * dim;
    const part = d.partials(n);
    fillZeros(d, op, part, n);
    d.run(
      op,
      SCATTER_ADD_CHUNKS,
      NO_CONSTANTS,
      { count, dim, vocab, parts: chunks, chunk },
      [ids, dy, part],
      d.grid1(Math.ceil((chunks * dim) / WG), op),
    );
    sumChunks(d, op, part, dtable, chunks, vocab * dim);
    return;
  }
  // Large table: enough (column, part) owners to keep a GPU busy; each scans all ids in order.
  const parts = Math.max(1, Math.min(vocab, Math.ceil(8192 / dim)));
  d.run(op, SCATTER_ADD, NO_CONSTANTS, { count, dim, vocab, parts }, [ids, dy, dtable], d.grid1(Math.ceil((parts * dim) / WG), op));
}
