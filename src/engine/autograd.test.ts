/** Tensors, scopes, the tape and named parameters: lifetimes, accumulation, no-grad, and errors that name things. */
import { describe, expect, it } from 'vitest';
import { CpuBackend } from './cpu/backend';
import { Tensor, scope, keep } from './tensor';
import { backward, noGrad } from './autograd';
import { ParameterStore } from './parameters';
import { add, crossEntropy, intTensor, layerNorm, matmul, mul, reshape, sumAll, tensor } from './ops/index';

const read = (t: Tensor) => Array.from((t.backend as CpuBackend).readSync(t.buf));

describe('scopes', () => {
  it('dispose what fn made except what it returns, which moves to the enclosing scope', () => {
    const be = new CpuBackend();
    let inner: Tensor | null = null;
    const outer = scope(() => {
      const r = scope(() => {
        const a = tensor(be, [1, 2], [2]);
        inner = add(a, a);
        return { result: [inner] };
      }).result[0];
      expect(be.memory().liveBuffers).toBe(1);
      return mul(r, r);
    });
    expect(inner!.disposed).toBe(true); // owned by the outer scope, which did not return it
    expect(read(outer)).toEqual([4, 16]);
    expect(be.memory().liveBuffers).toBe(1);
    outer.dispose();
    expect(be.memory().liveBuffers).toBe(0);
  });

  it('free everything when fn throws, and refuse async functions', () => {
    const be = new CpuBackend();
    expect(() =>
      scope(() => {
        tensor(be, [1], [1]);
        throw new Error('boom');
      }),
    ).toThrow('boom');
    expect(be.memory().liveBuffers).toBe(0);
    expect(() => scope(async () => 1)).toThrow(/synchronous/);
  });

  it('keep() takes a tensor out of the scope; views share the buffer until the last one goes', () => {
    const be = new CpuBackend();
    const kept = scope(() => {
      const a = tensor(be, [1, 2, 3, 4], [2, 2]);
      keep(a);
      return null;
    });
    expect(kept).toBeNull();
    expect(be.memory().liveBuffers).toBe(1);
    const t = Tensor.fromArray(be, [1, 2], [2], { category: 'weights', label: 'w' });
    const v = t.view([1, 2]);
    t.dispose();
    expect(read(v)).toEqual([1, 2]);
    v.dispose();
    expect(() => v.read()).toThrow(/read: tensor "w" \[1, 2\] was used after dispose/);
  });
});

describe('the tape', () => {
  function setup() {
    const be = new CpuBackend('f64');
    const store = new ParameterStore(be);
    const w = store.create('fc.weight', [2, 2], [1, 2, 3, 4]);
    const x = tensor(be, [1, -1, 2, 0.5], [2, 2]);
    return { be, store, w, x };
  }

  it('accumulates parameter gradients across backward calls until zeroed; fan-out sums', () => {
    const { store, w, x } = setup();
    // L = Σ (x·w)² uses w's product twice (fan-out): dL/dw = 2 xᵀ (x w)
    const step = () =>
      scope(() => {
        const y = matmul(x, w);
        backward(sumAll(mul(y, y)));
      });
    step();
    const once = read(w.grad!);
    // x = [[1, −1], [2, 0.5]], x·w = [[−2, −2], [3.5, 6]]; 2·xᵀ(xw) = [[10, 20], [7.5, 10]]
    expect(once).toEqual([10, 20, 7.5, 10]);
    step();
    expect(read(w.grad!)).toEqual(once.map((v) => 2 * v));
    store.zeroGrad();
    expect(read(w.grad!)).toEqual([0, 0, 0, 0]);
  });

  it('frees every activation and scratch buffer when the step scope closes', () => {
    const { be, store, w, x } = setup();
    const before = be.memory().liveBuffers;
    const loss = scope(() => {
      const h = layerNorm(reshape(matmul(x, w, { transB: true }), [4]), store.create('ln.weight', [4], 1), store.create('ln.bias', [4], 0));
      const l = crossEntropy(reshape(h, [2, 2]), intTensor(be, [0, 1], [2]));
      backward(l);
      return l;
    });
    const m = be.memory();
    expect(m.inUse.scratch).toBe(0);
    expect(m.inUse.activations).toBe(4 * 8 + 8); // x (made outside the scope) and the returned loss
    expect(m.liveBuffers).toBe(before + 2 + 3 + 1); // + ln params, their 3 gradients, the loss
    loss.dispose();
  });

  it('records nothing under noGrad and saves nothing for backward', () => {
    const { be, w, x } = setup();
    const y = noGrad(() => matmul(x, w));
    expect(y.requiresGrad).toBe(false);
    expect(y.node).toBeNull();
    const logits = tensor(be, [1, 2, 3, 4], [2, 2]);
    logits.requiresGrad = true;
    const live = be.memory().liveBuffers;
    const l = noGrad(() => scope(() => crossEntropy(logits, intTensor(be, [0, 1], [2]))));
    expect(be.memory().liveBuffers).toBe(live + 1); // the loss, no saved dlogits
    expect(() => backward(l)).toThrow(/does not require a gradient/);
  });

  it('refuses a non-scalar loss and a second backward through the same graph', () => {
    const { w, x } = setup();
    const y = matmul(x, w);
    expect(() => backward(y)).toThrow(/is not a scalar/);
    const l = sumAll(y);
    backward(l);
    expect(() => backward(l)).toThrow(/already used by an earlier backward/);
  });

  it('pass-through gradients are views, copied before anything accumulates into a shared one', () => {
    const { be, store, w, x } = setup();
    // h feeds both sides of one add (the same buffer reaches h twice), then a reshape and a
    // residual whose two branches meet again: every case where a view of g would be written
    // while another gradient still reads it. L = Σ ((2h + h·h) ⊙ c), h = x·w.
    const c = tensor(be, [1, -2, 0.5, 3], [2, 2]);
    scope(() => {
      const h = matmul(x, w);
      const twice = add(h, h);
      const r = add(reshape(twice, [4]), reshape(mul(h, h), [4]));
      backward(sumAll(mul(reshape(r, [2, 2]), c)));
    });
    const viaAliases = read(w.grad!);
    store.zeroGrad();
    // The same gradient written out: dL/dh = c ⊙ (2 + 2h), dL/dw = xᵀ · dL/dh.
    const xs = [1, -1, 2, 0.5];
    const h = [1 * 1 + -1 * 3, 1 * 2 + -1 * 4, 2 * 1 + 0.5 * 3, 2 * 2 + 0.5 * 4];
    const cs = [1, -2, 0.5, 3];
    const dh = h.map((v, i) => cs[i] * (2 + 2 * v));
    const expected = [0, 1, 2, 3].map((i) => {
      const [k, j] = [Math.floor(i / 2), i % 2];
      return xs[k] * dh[j] + xs[2 + k] * dh[2 + j];
    });
    expect(viaAliases).toEqual(expected);
    expect(be.memory().inUse.scratch).toBe(0);
    // Both inputs of y = a + b get views of g; e (recorded between them and y) then adds into
    // a's gradient while b's still waits to be read. L = Σ y + Σ e, e = a ⊙ c3, a = h ⊙ c2, b = h ⊙ c1.
    store.zeroGrad();
    const [c1, c2, c3] = [
      [1, 2, 3, 4],
      [-1, 0.5, 2, 1],
      [3, -1, 1, 2],
    ];
    scope(() => {
      const hh = matmul(x, w);
      const b = mul(hh, tensor(be, c1, [2, 2]));
      const a = mul(hh, tensor(be, c2, [2, 2]));
      const e = mul(a, tensor(be, c3, [2, 2]));
      backward(add(sumAll(add(a, b)), sumAll(e)));
    });
    const dh2 = [0, 1, 2, 3].map((i) => c1[i] + c2[i] * (1 + c3[i]));
    expect(read(w.grad!)).toEqual(
      [0, 1, 2, 3].map((i) => {
        const [k, j] = [Math.floor(i / 2), i % 2];
        return xs[k] * dh2[j] + xs[2 + k] * dh2[2 + j];
      }),
    );
  });

  it('backward with an explicit upstream gradient', () => {
    const { be, w, x } = setup();
    const y = matmul(x, w);
    backward(y, tensor(be, [1, 0, 0, 0], [2, 2]));
    expect(read(w.grad!)).toEqual([1, 0, -1, 0]); // dy/dw[k, 0] = x[0, k]
  });
});

describe('errors name the op and the shapes', () => {
  const be = new CpuBackend();
  const a = tensor(be, new Array(6).fill(1), [2, 3]);
  const b = tensor(be, new Array(8).fill(1), [2, 4]);
  it('matmul', () =>
    expect(() => matmul(a, b)).toThrow('matmul: A tensor [2, 3] f32 · B tensor [2, 4] f32: inner dimensions differ (3 vs 2)'));
  it('broadcasting', () => expect(() => add(a, b)).toThrow('add: shapes [2, 3] and [2, 4] do not broadcast (dimension 1: 3 vs 4)'));
  it('dtype', () =>
    expect(() => crossEntropy(a, tensor(be, [0, 1], [2]))).toThrow(/crossEntropy labels: input tensor \[2\] f32 must be i32/));
  it('use after dispose', () => {
    const c = tensor(be, [1], [1]);
    c.dispose();
    expect(() => add(c, c)).toThrow(/add: input tensor \[1\] \(disposed\) was used after dispose/);
  });
  it('backends', () =>
    expect(() => add(a, tensor(new CpuBackend(), new Array(6).fill(1), [2, 3]))).toThrow(/inputs live on different backends/));
});

describe('ParameterStore', () => {
  it('names parameters with PyTorch state_dict keys', () => {
    const store = new ParameterStore(new CpuBackend());
    const attn = store.under('layers.0').under('attn');
    const q = attn.create('q.weight', [2, 2], 0.5);
    expect(q.name).toBe('layers.0.attn.q.weight');
    expect(q.category).toBe('weights');
    expect(q.requiresGrad).toBe(true);
    store.create('norm.bias', [2], [1, 2]);
    expect(store.names()).toEqual(['layers.0.attn.q.weight', 'norm.bias']);
    expect(store.count()).toBe(6);
    expect(() => store.create('norm.bias', [2], 0)).toThrow(/already exists/);
    expect(() => store.create('bad name', [1], 0)).toThrow(/not a dotted state_dict name/);
    expect(() => store.get('norm.weight')).toThrow(/no parameter "norm.weight" \(have layers.0.attn.q.weight, norm.bias\)/);
    store.load('norm.bias', [3, 4]);
    expect(read(store.get('norm.bias'))).toEqual([3, 4]);
    expect(() => store.load('norm.bias', [1])).toThrow(/needs 2 values, got 1/);
    store.dispose();
  });

  it('state tensors are named, read and loaded with the parameters, but are not trainable', async () => {
    const store = new ParameterStore(new CpuBackend());
    const w = store.create('layers.0.attn.q.weight', [2], [1, 2]);
    const f = store.under('layers.0').under('attn').createState('features', [3], [5, 6, 7]);
    expect(f.name).toBe('layers.0.attn.features');
    expect([f.category, f.requiresGrad]).toEqual(['weights', false]);
    expect(store.names()).toEqual(['layers.0.attn.q.weight', 'layers.0.attn.features']);
    expect(store.params()).toEqual([w]);
    expect(store.count()).toBe(2);
    expect([store.isState('layers.0.attn.features'), store.isState('layers.0.attn.q.weight')]).toEqual([true, false]);
    store.load('layers.0.attn.features', [1, 1, 1]);
    expect(Array.from((await store.read()).get('layers.0.attn.features')!.data)).toEqual([1, 1, 1]);
    // A forward through a state tensor records nothing for it.
    const y = mul(f, f);
    expect(y.requiresGrad).toBe(false);
    store.dispose();
  });
});
