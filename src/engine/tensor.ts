/**
 * Tensors: a shape and a dtype over a buffer of a `Backend`, plus the autograd fields
 * (`requiresGrad`, `grad`, the tape node that made it). Views (`reshape`) share the buffer
 * and count references, so a reshape costs nothing and the buffer goes back to the pool when
 * its last view is disposed.
 *
 * Lifetime: tensors of the categories 'activations' and 'scratch' made inside `scope(fn)` are
 * disposed when fn returns, except the ones it returns (the tf.tidy rule). Weights, gradients
 * and optimizer state are never tracked: their owners dispose them (views of them are, since a
 * view only holds a reference).
 */
import { numel, type Backend, type Buf, type DType, type MemoryCategory } from './backend';
import type { TapeNode } from './autograd';

interface Storage {
  readonly backend: Backend;
  /** Changed only by `rebind` (a parameter moved into a group, views and all). */
  buf: Buf;
  refs: number;
}

export interface TensorOptions {
  dtype?: DType;
  category?: MemoryCategory;
  label?: string;
}

/** Open scopes, innermost last: the tensors each one will dispose. */
const scopes: Set<Tensor>[] = [];
let nextId = 1;

function checkShape(shape: readonly number[], what: string): void {
  for (const s of shape)
    if (!Number.isInteger(s) || s < 1) throw new Error(`${what}: shape [${shape.join(', ')}] must hold positive integers`);
}

export class Tensor {
  readonly id = nextId++;
  readonly size: number;
  /** Whether backward() computes a gradient for it (parameters, and anything computed from them). */
  requiresGrad = false;
  /** The accumulated gradient of a leaf (a parameter), in the 'gradients' category. */
  grad: Tensor | null = null;
  /** The tape entry that produced it; null for leaves. */
  node: TapeNode | null = null;
  /**
   * Where a leaf's gradient goes when backward first creates it (a part of the optimizer's
   * gradient group, so one kernel reaches every gradient); null: a new buffer.
   */
  gradHome: Tensor | null = null;
  private storage: Storage | null;

  private constructor(
    storage: Storage,
    readonly shape: readonly number[],
    readonly name: string,
    isView = false,
  ) {
    this.storage = storage;
    this.size = numel(shape);
    const c = storage.buf.category;
    // A view is only a handle (disposing it drops a reference), so views of weights are scoped too.
    if (scopes.length > 0 && (isView || c === 'activations' || c === 'scratch')) scopes[scopes.length - 1].add(this);
  }

  /** A new tensor with uninitialised (pool-zeroed on CPU) contents. */
  static empty(backend: Backend, shape: readonly number[], opts: TensorOptions = {}): Tensor {
    const label = opts.label ?? 'tensor';
    checkShape(shape, label);
    const buf = backend.alloc(numel(shape), opts.dtype ?? 'f32', opts.category ?? 'activations', label);
    return new Tensor({ backend, buf, refs: 1 }, [...shape], label);
  }

  /** A tensor over an existing buffer, which it owns from now on (disposing it frees the buffer). */
  static wrap(backend: Backend, buf: Buf, shape: readonly number[], label: string): Tensor {
    checkShape(shape, label);
    if (numel(shape) !== buf.size) throw new Error(`wrap: buffer "${buf.label}" holds ${buf.size} elements, not [${shape.join(', ')}]`);
    return new Tensor({ backend, buf, refs: 1 }, [...shape], label);
  }

  /**
   * Move this tensor, and every view of it, onto `buf` (same element count), which must already
   * hold its values; the old buffer is freed. Parameters move into a group this way.
   */
  rebind(buf: Buf): void {
    const s = this.live('rebind');
    if (buf.size !== s.buf.size || buf.dtype !== s.buf.dtype)
      throw new Error(`rebind: ${this.describe()} cannot move onto buffer "${buf.label}" of ${buf.size} ${buf.dtype}`);
    const old = s.buf;
    s.buf = buf;
    s.backend.free(old);
  }

  /** A tensor holding `data` (row-major). */
  static fromArray(backend: Backend, data: ArrayLike<number>, shape: readonly number[], opts: TensorOptions = {}): Tensor {
    if (data.length !== numel(shape))
      throw new Error(
        `${opts.label ?? 'fromArray'}: ${data.length} values do not fill shape [${shape.join(', ')}] (${numel(shape)} elements)`,
      );
    const t = Tensor.empty(backend, shape, opts);
    backend.write(t.buf, data);
    return t;
  }

  get backend(): Backend {
    return this.live('backend').backend;
  }
  get buf(): Buf {
    return this.live('buf').buf;
  }
  get dtype(): DType {
    return this.live('dtype').buf.dtype;
  }
  get category(): MemoryCategory {
    return this.live('category').buf.category;
  }
  get rank(): number {
    return this.shape.length;
  }
  get disposed(): boolean {
    return this.storage === null;
  }
  /** "name [2, 3] f32", for error messages. */
  describe(): string {
    return `${this.name} [${this.shape.join(', ')}]${this.storage ? ` ${this.storage.buf.dtype}` : ' (disposed)'}`;
  }

  /** The same buffer under another shape with the same element count (no copy). */
  view(shape: readonly number[], label = this.name): Tensor {
    const s = this.live('view');
    checkShape(shape, `view of ${this.describe()}`);
    if (numel(shape) !== this.size)
      throw new Error(`view: cannot view ${this.describe()} as [${shape.join(', ')}] (${numel(shape)} elements)`);
    s.refs++;
    return new Tensor(s, [...shape], label, true);
  }

  /** Read the values back (the only wait in the engine). */
  read(): Promise<Float32Array | Float64Array | Int32Array> {
    const s = this.live('read');
    s.backend.flush();
    return s.backend.read(s.buf);
  }

  /** The single value of a one-element tensor. */
  async item(): Promise<number> {
    if (this.size !== 1) throw new Error(`item: ${this.describe()} has ${this.size} elements, expected 1`);
    return (await this.read())[0];
  }

  /** Release this view; the buffer returns to the pool with its last view. */
  dispose(): void {
    const s = this.live('dispose');
    this.storage = null;
    this.node = null;
    for (const sc of scopes) sc.delete(this);
    if (--s.refs === 0) s.backend.free(s.buf);
  }

  private live(what: string): Storage {
    if (!this.storage) throw new Error(`${what}: tensor "${this.name}" [${this.shape.join(', ')}] was used after dispose`);
    return this.storage;
  }
}

function collect(value: unknown, out: Set<Tensor>, depth = 0): void {
  if (value instanceof Tensor) out.add(value);
  else if (depth < 4 && Array.isArray(value)) for (const v of value) collect(v, out, depth + 1);
  else if (depth < 4 && value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype)
    for (const v of Object.values(value)) collect(v, out, depth + 1);
}

/**
 * Run fn and dispose every activation/scratch tensor it made, except those it returns (inside
 * arrays or plain objects too), which move to the enclosing scope. fn must be synchronous.
 */
export function scope<T>(fn: () => T): T {
  const mine = new Set<Tensor>();
  scopes.push(mine);
  let result: T;
  try {
    result = fn();
    if (result instanceof Promise) throw new Error('scope: fn returned a Promise; scopes are synchronous (read values after the scope)');
  } catch (e) {
    scopes.pop();
    for (const t of mine) if (!t.disposed) t.dispose();
    throw e;
  }
  scopes.pop();
  const kept = new Set<Tensor>();
  collect(result, kept);
  const parent = scopes[scopes.length - 1];
  for (const t of mine) {
    if (t.disposed) continue;
    if (kept.has(t)) parent?.add(t);
    else t.dispose();
  }
  return result;
}

/** Take a tensor out of every open scope, so that no scope disposes it (its owner must). */
export function keep<T extends Tensor>(t: T): T {
  for (const sc of scopes) sc.delete(t);
  return t;
}
