/**
 * Named parameters. Names are the PyTorch `state_dict` keys of the equivalent module
 * (`layers.0.attn.q.weight`), because exports and parity tests match tensors by name.
 */
import { numel, type Backend } from './backend';
import { zeroGrad } from './autograd';
import { Tensor } from './tensor';

const NAME = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z0-9_]+)*$/;

/** A prefix view of a store: `store.under('layers.0').under('attn').create('q.weight', …)`. */
export interface ParameterScope {
  readonly prefix: string;
  create(name: string, shape: readonly number[], values: ArrayLike<number> | number): Tensor;
  /** A non-trainable state tensor (see `ParameterStore.createState`). */
  createState(name: string, shape: readonly number[], values: ArrayLike<number> | number, onLoad?: StateLoadHook): Tensor;
  under(prefix: string): ParameterScope;
}

/**
 * Called with a state tensor's new values before `load` writes them: the owner rebuilds what it
 * derives from them (BigBird's gather indices), or throws to refuse them (nothing is written).
 */
export type StateLoadHook = (values: ArrayLike<number>) => void;

export class ParameterStore implements ParameterScope {
  readonly prefix = '';
  private readonly byName = new Map<string, Tensor>();
  private readonly loadHooks = new Map<string, StateLoadHook>();

  constructor(readonly backend: Backend) {}

  /** A trainable tensor (category 'weights', requiresGrad) holding `values` (an array, or one value for all). */
  create(name: string, shape: readonly number[], values: ArrayLike<number> | number): Tensor {
    const t = this.add(name, shape, values);
    t.requiresGrad = true;
    return t;
  }

  /**
   * A state tensor that is part of the weights (names, entries, read, load: exported and
   * imported with them, a PyTorch buffer) but not trainable: no gradient, not in `params()`, so
   * no optimizer state and no weight decay (Performer's random features).
   */
  createState(name: string, shape: readonly number[], values: ArrayLike<number> | number, onLoad?: StateLoadHook): Tensor {
    const t = this.add(name, shape, values);
    if (onLoad) this.loadHooks.set(name, onLoad);
    return t;
  }

  private add(name: string, shape: readonly number[], values: ArrayLike<number> | number): Tensor {
    if (!NAME.test(name)) throw new Error(`ParameterStore: "${name}" is not a dotted state_dict name (letters, digits, _ and .)`);
    if (this.byName.has(name)) throw new Error(`ParameterStore: parameter "${name}" already exists`);
    const data = typeof values === 'number' ? new Float64Array(numel(shape)).fill(values) : values;
    const t = Tensor.fromArray(this.backend, data, shape, { category: 'weights', label: name });
    this.byName.set(name, t);
    return t;
  }

  under(prefix: string): ParameterScope {
    const make = (p: string): ParameterScope => ({
      prefix: p,
      create: (name, shape, values) => this.create(`${p}.${name}`, shape, values),
      createState: (name, shape, values, onLoad) => this.createState(`${p}.${name}`, shape, values, onLoad),
      under: (sub) => make(`${p}.${sub}`),
    });
    return make(prefix);
  }

  get(name: string): Tensor {
    const t = this.byName.get(name);
    if (!t)
      throw new Error(
        `ParameterStore: no parameter "${name}" (have ${this.names().slice(0, 12).join(', ')}${this.byName.size > 12 ? ', …' : ''})`,
      );
    return t;
  }

  has(name: string): boolean {
    return this.byName.has(name);
  }

  /** Whether a name is a state tensor (not trainable). */
  isState(name: string): boolean {
    return !this.get(name).requiresGrad;
  }

  /** Names in creation order (parameters and state). */
  names(): string[] {
    return [...this.byName.keys()];
  }

  entries(): [string, Tensor][] {
    return [...this.byName.entries()];
  }

  /** The trainable parameters (state tensors excluded). */
  params(): Tensor[] {
    return [...this.byName.values()].filter((t) => t.requiresGrad);
  }

  /** Total number of trainable values. */
  count(): number {
    let n = 0;
    for (const t of this.params()) n += t.size;
    return n;
  }

  /** Zero every parameter's gradient in place. */
  zeroGrad(): void {
    zeroGrad(this.byName.values());
  }

  /** Overwrite a parameter's values (loading a checkpoint or a PyTorch state_dict). */
  load(name: string, values: ArrayLike<number>): void {
    const t = this.get(name);
    if (values.length !== t.size)
      throw new Error(`ParameterStore.load: "${name}" ${t.describe()} needs ${t.size} values, got ${values.length}`);
    this.loadHooks.get(name)?.(values);
    this.backend.write(t.buf, values);
  }

  /** Every parameter's values, by name (waits for the device). */
  async read(): Promise<Map<string, { shape: readonly number[]; data: Float32Array | Float64Array | Int32Array }>> {
    const out = new Map<string, { shape: readonly number[]; data: Float32Array | Float64Array | Int32Array }>();
    for (const [name, t] of this.byName) out.set(name, { shape: t.shape, data: await t.read() });
    return out;
  }

  /** Free the parameters and their gradients. */
  dispose(): void {
    for (const t of this.byName.values()) {
      t.grad?.dispose();
      t.grad = null;
      t.dispose();
    }
    this.byName.clear();
  }
}
