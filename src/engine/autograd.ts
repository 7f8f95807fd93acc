/**
 * Reverse-mode autograd. Ops record a `TapeNode` on their output while grad mode is on and an
 * input requires a gradient; the sequence number of each node is its place on the tape, so
 * `backward()` walks the nodes reachable from the loss in reverse recording order.
 * Gradients of parameters (leaves) accumulate into `param.grad` across backward calls until
 * zeroed; gradients of intermediates are scratch tensors freed as soon as their node is done.
 */
import type { Buf } from './backend';
import { Tensor, keep, scope } from './tensor';

/** How an op routes the gradient of its output to its inputs. */
export interface GradSink {
  /** Whether `t` wants a gradient (skip the work otherwise). */
  needs(t: Tensor): boolean;
  /**
   * Write t's gradient contribution straight into its gradient buffer: `write(dst, accumulate)`
   * must set dst (accumulate = false) or add to it (accumulate = true). Not called if !needs(t).
   */
  into(t: Tensor, write: (dst: Tensor, accumulate: boolean) => void): void;
  /** Add alpha·g to t's gradient; g is only read (the caller keeps it). */
  add(t: Tensor, g: Tensor, alpha?: number): void;
  /**
   * t's gradient contribution is g itself (same element count): the first contribution to an
   * intermediate becomes a view of g instead of a copy (one dispatch fewer per pass-through op:
   * reshape, a residual add); otherwise as `add(t, g)`. g must not be written afterwards.
   */
  pass(t: Tensor, g: Tensor): void;
}

export interface TapeNode {
  readonly seq: number;
  readonly op: string;
  readonly inputs: readonly Tensor[];
  /** Null once backward has run through it (the graph is freed, as PyTorch does without retain_graph). */
  backward: ((g: Tensor, sink: GradSink) => void) | null;
}

let gradEnabled = true;
let nextSeq = 0;

/** Whether ops record onto the tape now. */
export function isGradEnabled(): boolean {
  return gradEnabled;
}

/** Run fn without recording (evaluation, and the backward pass itself). */
export function noGrad<T>(fn: () => T): T {
  const before = gradEnabled;
  gradEnabled = false;
  try {
    return fn();
  } finally {
    gradEnabled = before;
  }
}

/** True when an op with these inputs will be recorded (so it should save what backward needs). */
export function willRecord(...inputs: Tensor[]): boolean {
  return gradEnabled && inputs.some((t) => t.requiresGrad);
}

/** Record `out = op(inputs)` on the tape if any input requires a gradient. */
export function record(op: string, out: Tensor, inputs: Tensor[], backward: (g: Tensor, sink: GradSink) => void): Tensor {
  if (!willRecord(...inputs)) return out;
  out.requiresGrad = true;
  out.node = { seq: nextSeq++, op, inputs, backward };
  return out;
}

/** dst (+)= alpha·src, both contiguous with the same element count. */
function copyInto(src: Tensor, dst: Tensor, alpha: number, accumulate: boolean): void {
  if (src.size !== dst.size) throw new Error(`backward: gradient ${src.describe()} does not match ${dst.describe()}`);
  src.backend.copyStrided(src.buf, dst.buf, [1, 1, 1, src.size], [0, 0, 0, 1], 0, [0, 0, 0, 1], 0, alpha, accumulate);
}

/**
 * Backpropagate from `loss` (a one-element tensor, or any tensor with an explicit upstream
 * `gradOutput` of the same shape). Parameters' `.grad` accumulate.
 */
export function backward(loss: Tensor, gradOutput?: Tensor): void {
  if (!loss.requiresGrad)
    throw new Error(`backward: ${loss.describe()} does not require a gradient (no parameter reached it, or it was computed under noGrad)`);
  if (!gradOutput && loss.size !== 1) throw new Error(`backward: ${loss.describe()} is not a scalar; pass gradOutput of the same shape`);
  if (gradOutput && gradOutput.size !== loss.size)
    throw new Error(`backward: gradOutput ${gradOutput.describe()} does not match ${loss.describe()}`);

  // The nodes reachable from the loss, in reverse tape order.
  const nodes: Tensor[] = [];
  const seen = new Set<Tensor>();
  const stack: Tensor[] = [loss];
  while (stack.length) {
    const t = stack.pop()!;
    if (seen.has(t) || !t.node) continue;
    seen.add(t);
    if (!t.node.backward)
      throw new Error(
        `backward: the graph through "${t.node.op}" (${t.describe()}) was already used by an earlier backward(); recompute the forward pass`,
      );
    nodes.push(t);
    for (const i of t.node.inputs) if (i.requiresGrad && i.node) stack.push(i);
  }
  nodes.sort((a, b) => b.node!.seq - a.node!.seq);

  const grads = new Map<Tensor, Tensor>();
  // Live intermediate gradients by buffer: `pass` makes views that share one, and a shared
  // buffer is copied before anything accumulates into it (copy on write).
  const users = new Map<Buf, number>();
  const hold = (g: Tensor) => users.set(g.buf, (users.get(g.buf) ?? 0) + 1);
  const release = (g: Tensor) => {
    const n = (users.get(g.buf) ?? 1) - 1;
    if (n > 0) users.set(g.buf, n);
    else users.delete(g.buf);
    g.dispose();
  };
  const sink: GradSink = {
    needs: (t) => t.requiresGrad,
    into(t, write) {
      if (!t.requiresGrad) return;
      if (!t.node) {
        if (t.grad) return write(t.grad, true);
        const g = t.gradHome ?? Tensor.empty(t.backend, t.shape, { category: 'gradients', label: `${t.name}.grad` });
        t.gradHome = null;
        write(g, false);
        t.grad = g;
        return;
      }
      let existing = grads.get(t);
      if (existing && (users.get(existing.buf) ?? 0) > 1) {
        const own = keep(Tensor.empty(t.backend, t.shape, { category: 'scratch', label: `grad of ${t.node.op}` }));
        copyInto(existing, own, 1, false);
        release(existing);
        grads.set(t, own);
        hold(own);
        existing = own;
      }
      if (existing) return write(existing, true);
      const g = keep(Tensor.empty(t.backend, t.shape, { category: 'scratch', label: `grad of ${t.node.op}` }));
      write(g, false);
      grads.set(t, g);
      hold(g);
    },
    add(t, g, alpha = 1) {
      sink.into(t, (dst, acc) => copyInto(g, dst, alpha, acc));
    },
    pass(t, g) {
      if (!t.requiresGrad) return;
      if (!t.node || grads.has(t) || g.size !== t.size) return sink.add(t, g);
      const alias = keep(g.view(t.shape, `grad of ${t.node.op}`));
      grads.set(t, alias);
      hold(alias);
    },
  };

  noGrad(() => {
    try {
      const seed = keep(Tensor.empty(loss.backend, loss.shape, { category: 'scratch', label: 'grad of loss' }));
      if (gradOutput) copyInto(gradOutput, seed, 1, false);
      else loss.backend.fill(seed.buf, 1);
      grads.set(loss, seed);
      hold(seed);
      for (const t of nodes) {
        const node = t.node!;
        const g = grads.get(t);
        if (g) {
          grads.delete(t);
          try {
            scope(() => node.backward!(g, sink));
          } finally {
            release(g);
          }
        }
        node.backward = null;
      }
    } finally {
      for (const g of grads.values()) if (!g.disposed) release(g);
    }
  });
}

/** Set every tensor's `.grad` to zero in place (keeps the buffers, so memory stays flat). */
export function zeroGrad(params: Iterable<Tensor>): void {
  for (const p of params) if (p.grad) p.backend.fill(p.grad.buf, 0);
}
