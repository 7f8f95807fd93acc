import { Heatmap } from './Heatmap';
import type { Matrix } from '../../model/views';

/**
 * BigBird's block pattern: which key blocks each query block attends to (1 window or global, 2
 * random, 0 not attended), as the layer computes it (docs/baselines.md "BigBird").
 */
export function BlockPattern({ pattern, n }: { pattern: Matrix; n: number }) {
  const b = n / pattern.rows;
  const random = Array.from(pattern.data).filter((x) => x === 2).length;
  const attended = Array.from(pattern.data).filter((x) => x > 0).length;
  return (
    <div className="view-block" data-testid="bigbird-pattern">
      <h3>BigBird’s block pattern</h3>
      <p className="help">
        The sequence is cut into {pattern.rows} blocks of {b} tokens. The first and last block are global (their rows are full); every other
        query block sees its window (the diagonal band), the two global blocks and its random blocks (brightest: value 2). Only these{' '}
        {attended} of {pattern.rows * pattern.cols} block pairs are computed ({random} random); the rest is never materialised.
      </p>
      <Heatmap
        matrix={pattern}
        title="key blocks per query block (1 window/global, 2 random)"
        rowLabel="query block"
        colLabel="key block"
        range={{ lo: 0, hi: 2 }}
        testId="heatmap-bigbird-pattern"
      />
    </div>
  );
}
