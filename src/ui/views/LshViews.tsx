import { Heatmap } from './Heatmap';
import type { TokenAxis } from './tokenAxis';
import type { Matrix } from '../../model/views';

/**
 * Reformer's LSH views (docs/baselines.md "Reformer"): each token's bucket per hashing round (a
 * strip over the input), and the chunked attention the layer computes in sorted order.
 */
export function LshViews({ buckets, chunks, chunk, axis }: { buckets: Matrix; chunks?: Matrix; chunk?: number; axis: TokenAxis }) {
  const top = Math.max(...Array.from(buckets.data));
  return (
    <div className="view-block" data-testid="reformer-lsh">
      <h3>Reformer’s buckets and chunks</h3>
      <p className="help">
        Each of the {buckets.rows} hashing rounds puts every token in a bucket: argmax([xR; −xR]) of its shared query-key vector x with
        random rotations R, so tokens pointing the same way tend to share a bucket (padded tokens get the last bucket, {top}, of their own).
        The tokens are then sorted by (bucket, position) and cut into chunks{chunk ? ` of ${chunk}` : ''}; each chunk attends only to itself
        and the chunk before it.
      </p>
      <div className="heatmap-row">
        <Heatmap
          matrix={buckets}
          title="bucket per round"
          rowLabel="round"
          colLabel="token"
          range={{ lo: 0, hi: top }}
          testId="heatmap-reformer-buckets"
          colTokens={axis}
        />
        {chunks && (
          <Heatmap
            matrix={chunks}
            title="chunked attention (sorted order)"
            rowLabel="sorted query (round by round)"
            colLabel="key: previous chunk, then its own"
            testId="heatmap-reformer-chunks"
          />
        )}
      </div>
    </div>
  );
}
