/**
 * `buildModel(backend, config, initSeed)`: the whole LRA classifier of docs/models.md on the engine
 * (embeddings, pre-LN blocks with the configured attention, final norm, pooling, classifier
 * head; one shared encoder for two towers), with parameters named as the PyTorch state_dict
 * (docs/model-contract.md) so that weights load on either side.
 *
 * `weightsVersion`: with Proxyformer injection 'none', evaluation caches Q̃, K̃, K2 and Z per
 * layer (they depend only on the weights). Whoever changes the weights — the training loop
 * after each optimizer step, a checkpoint or state_dict load — must increment
 * `model.weightsVersion` (or call `model.weightsChanged()`); the next evaluation recomputes.
 */
import {
  DropoutStream,
  type Tensor,
  add,
  concat,
  crossEntropy,
  isGradEnabled,
  mul,
  relu,
  scale,
  sub,
  zeros,
  type Backend,
  ParameterStore,
} from '../engine';
import { MODEL_HOT_KEYS, type DeviceLimits, type ModelConfig, type RunConfig } from '../config';
import { NystromAttention } from './attention/nystrom';
import type { AttentionModule } from './attention/module';
import { ProxyAttention } from './attention/proxy';
import { SoftmaxAttention } from './attention/softmax';
import { LinformerAttention, createProjection } from './attention/linformer';
import { LinearAttention } from './attention/linear';
import { BigBirdAttention } from './attention/bigbird';
import { ReformerAttention } from './attention/reformer';
import { sparseBlocks } from './attention/bigbirdBlocks';
import { PerformerAttention } from './attention/performer';
import { redrawInitialiser } from './attention/performerFeatures';
import { DropoutPlan, MicroBatchStream, maskNames } from './dropout';
import { Embeddings } from './embedding';
import { Block, Encoder } from './encoder';
import { Initialiser } from './init';
import { Linear, Norm } from './layers';
import { checkModelConfig } from './validate';
import { checkBatch } from './batch';
import { computeViews, type ModelViews } from './views';
import type { ForwardOptions, ForwardResult, HotSettings, LayerViewTensors, ModelBatch } from './types';

export interface BuildOptions {
  /** Device limits for the size check; by default the backend's own (`Backend.limits()`; none on the CPU). */
  limits?: DeviceLimits;
  /** Batch size for the size check (default: the config's, else 1). */
  batchSize?: number;
  /** TEST-ONLY faults: a deliberately broken model that the parity tests must catch. */
  faults?: { transposeKernel2?: boolean; forgetKeyMask?: boolean; scaleByHeadWidth?: boolean; forgetSelfMask?: boolean };
}

export interface Model {
  readonly config: ModelConfig;
  readonly params: ParameterStore;
  /** Bump after every change of the weights (see the file comment). */
  weightsVersion: number;
  weightsChanged(): void;
  /** Change hot keys (dropout rates, λ, τ) from the next forward; refuses cold keys and invalid values. */
  updateHot(changes: Partial<HotSettings>): void;
  /** Logits and losses for a batch (records the tape unless under noGrad). */
  forward(batch: ModelBatch, opts: ForwardOptions): ForwardResult;
  /** Tower 1 through the encoder with view tensors recorded (noGrad; used by views.ts). */
  encodeForViews(tokens: Tensor, mask: Tensor): LayerViewTensors[];
  /** The views of one example (views.ts): outside the training step, no dropout. */
  views(example: { tokens: ArrayLike<number>; mask?: ArrayLike<number> }): Promise<ModelViews>;
  /** The explicit dropout mask names this config accepts. */
  maskNames(): string[];
  /**
   * Performer: replace every layer's random features with a fresh draw from
   * `(initSeed, step)` (the trainer calls it every performerRedraw steps, never evaluation).
   * No-op for other attentions.
   */
  redrawFeatures(initSeed: number, step: number): void;
  /** How often each layer computed its input-independent part (Proxyformer 'none'; else 0). */
  fixedComputations(): number;
  dispose(): void;
}

function createAttention(
  c: ModelConfig,
  hot: HotSettings,
  scope: ReturnType<ParameterStore['under']>,
  init: Initialiser,
  faults: BuildOptions['faults'],
  sharedE: Tensor | null,
): AttentionModule {
  if (c.attention === 'linformer') {
    const e = sharedE ?? createProjection(scope, c.heads, c.linformerK, c.seqLen, init);
    return new LinformerAttention(scope, c.dModel, c.heads, e, init, { forgetKeyMask: faults?.forgetKeyMask });
  }
  if (c.attention === 'performer')
    return new PerformerAttention(scope, c.dModel, c.heads, c.performerFeatures, c.performerKernel, init, {
      forgetKeyMask: faults?.forgetKeyMask,
    });
  if (c.attention === 'bigbird')
    return new BigBirdAttention(scope, c.dModel, c.heads, c.seqLen, c.bigbirdBlock, c.bigbirdRandom, hot, init, {
      forgetKeyMask: faults?.forgetKeyMask,
    });
  if (c.attention === 'reformer')
    return new ReformerAttention(scope, c.dModel, c.heads, c.seqLen, c.reformerHashes, c.reformerChunk, hot, init, {
      forgetSelfMask: faults?.forgetSelfMask,
    });
  if (c.attention === 'linear') return new LinearAttention(scope, c.dModel, c.heads, init, { scaleByHeadWidth: faults?.scaleByHeadWidth });
  const pinv = {
    landmarks: c.landmarks,
    pinvIterations: c.pinvIterations,
    pinvInit: c.pinvInit,
    softmaxImpl: c.softmaxImpl,
    transposeKernel2: faults?.transposeKernel2,
  };
  if (c.attention === 'softmax') return new SoftmaxAttention(scope, c.dModel, c.heads, hot, init, c.softmaxImpl);
  if (c.attention === 'nystrom') return new NystromAttention(scope, c.dModel, c.heads, c.convKernel, pinv, init);
  return new ProxyAttention(
    scope,
    c.dModel,
    c.heads,
    c.convKernel,
    {
      ...pinv,
      proxyParam: c.proxyParam,
      proxyInit: c.proxyInit,
      injection: c.injection,
      contrastive: c.contrastive,
      decomposedDropout: c.decomposedDropout,
    },
    hot,
    init,
  );
}

/** Build the model; refuses an invalid config with the config validator's messages (ModelConfigError). */
export function buildModel(backend: Backend, config: ModelConfig | RunConfig, initSeed: number, options: BuildOptions = {}): Model {
  const batchSize = options.batchSize ?? (config as Partial<RunConfig>).batchSize ?? 1;
  const c = checkModelConfig(config, { limits: options.limits ?? backend.limits() ?? undefined, batchSize });
  const hot = Object.fromEntries(MODEL_HOT_KEYS.map((k) => [k, c[k]])) as HotSettings;
  const store = new ParameterStore(backend);
  const init = new Initialiser(initSeed);
  const embed = new Embeddings(store.under('embed'), c.vocabSize, c.seqLen, c.dModel, init);
  // The reference code's class-level E: one tensor at the root, used by every layer.
  const sharedE =
    c.attention === 'linformer' && c.linformerSharing === 'shared' ? createProjection(store, c.heads, c.linformerK, c.seqLen, init) : null;
  const blocks: Block[] = [];
  for (let i = 0; i < c.layers; i++) {
    const layer = store.under(`layers.${i}`);
    blocks.push(new Block(layer, c.dModel, c.ffn, hot, createAttention(c, hot, layer.under('attn'), init, options.faults, sharedE), init));
  }
  const encoder = new Encoder(embed, blocks, new Norm(store, 'norm', c.dModel), c.pooling, hot);
  const head = store.under('head');
  const fc1 = new Linear(head, 'fc1', c.twoTower ? 4 * c.dModel : c.dModel, c.ffn, init);
  const fc2 = new Linear(head, 'fc2', c.ffn, c.numClasses, init);
  const names = maskNames({ ...c, sparseBlocks: c.attention === 'bigbird' ? sparseBlocks(c.seqLen / c.bigbirdBlock) : 0 });
  const proxyLayers = blocks.map((b) => b.attn).filter((a): a is ProxyAttention => a instanceof ProxyAttention);
  const performerLayers = blocks.map((b) => b.attn).filter((a): a is PerformerAttention => a instanceof PerformerAttention);

  const model: Model = {
    config: c,
    params: store,
    weightsVersion: 0,
    weightsChanged() {
      model.weightsVersion++;
    },
    updateHot(changes) {
      const cold = Object.keys(changes).filter((k) => !(MODEL_HOT_KEYS as readonly string[]).includes(k));
      if (cold.length > 0)
        throw new Error(
          `updateHot: ${cold.join(', ')} ${cold.length > 1 ? 'are not hot keys' : 'is not a hot key'} (a change needs a rebuild); hot keys: ${MODEL_HOT_KEYS.join(', ')}`,
        );
      const checked = checkModelConfig({ ...c, ...changes }, { batchSize });
      for (const key of Object.keys(changes) as (keyof HotSettings)[]) {
        hot[key] = checked[key];
        (c as Record<string, unknown>)[key] = checked[key];
      }
      model.weightsChanged(); // the cached contrastive loss of injection 'none' depends on τ
    },
    maskNames: () => [...names],
    views: (example) => computeViews(model, example),
    redrawFeatures(initSeed, step) {
      if (performerLayers.length === 0) return;
      const init = redrawInitialiser(initSeed, step);
      for (const layer of performerLayers) layer.redraw(init);
      model.weightsChanged();
    },
    fixedComputations: () => proxyLayers.reduce((s, a) => s + a.fixedComputations, 0),
    forward(batch, opts) {
      checkBatch(c, batch);
      if (opts.masks) {
        const unknown = [...opts.masks.keys()].filter((k) => !names.includes(k));
        if (unknown.length > 0) throw new Error(`unknown mask name(s) ${unknown.join(', ')} for this config; allowed: ${names.join(', ')}`);
      }
      const seed = opts.dropoutSeed ?? 0;
      const slice = opts.microBatch;
      const stream =
        !opts.masks && opts.train ? (slice ? new MicroBatchStream(seed, slice.part, slice.parts) : new DropoutStream(seed)) : null;
      const plan = new DropoutPlan(opts.masks ?? null, stream);
      const common = { wantViews: false, cacheable: !opts.train && !isGradEnabled(), weightsVersion: model.weightsVersion };
      const first = encoder.encode(batch.tokens, batch.mask, { ...common, plan });
      const contrastive = [...first.contrastive];
      let features = first.pooled;
      if (c.twoTower) {
        const second = encoder.encode(batch.tokens2!, batch.mask2!, { ...common, plan: plan.secondTower() });
        contrastive.push(...second.contrastive);
        const [x1, x2] = [first.pooled, second.pooled];
        features = concat([x1, x2, mul(x1, x2), sub(x1, x2)], -1);
      }
      const logits = fc2.apply(relu(fc1.apply(features)));
      // Equal weight per tower and layer (each term is already a mean over samples and heads).
      const contrastiveLoss =
        contrastive.length > 0
          ? scale(
              contrastive.reduce((a, b) => add(a, b)),
              1 / contrastive.length,
            )
          : zeros(backend, []);
      const taskLoss = batch.labels ? crossEntropy(logits, batch.labels) : null;
      const loss = taskLoss ? add(taskLoss, scale(contrastiveLoss, c.attention === 'proxy' ? hot.contrastiveWeight : 0)) : null;
      return { logits, taskLoss, contrastiveLoss, loss };
    },
    encodeForViews(tokens, mask) {
      const plan = new DropoutPlan(null, null);
      return encoder.encode(tokens, mask, { plan, wantViews: true, cacheable: false, weightsVersion: model.weightsVersion }).views;
    },
    dispose() {
      for (const a of proxyLayers) a.dropCache();
      for (const b of blocks) if (b.attn instanceof ReformerAttention) b.attn.dispose();
      store.dispose();
    },
  };
  return model;
}
