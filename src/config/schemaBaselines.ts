/**
 * The switches of the LRA baselines the paper compares with: Linformer's projection and
 * Performer's random features (docs/baselines.md says what is each paper's and what is ours).
 */
import { int, oneOf } from './spec';

const LINFORMER = ['linformer'] as const;
const PERFORMER = ['performer'] as const;
const BIGBIRD = ['bigbird'] as const;

/** The LRA projection and kernel baselines (Linformer, Performer) and their switches. */
export const BASELINE_PARAMS = {
  linformerK: int({
    url: 'lk',
    group: 'attention',
    part: 'model',
    apply: 'cold',
    label: 'Linformer projection k',
    default: 128,
    min: 1,
    max: 4096,
    log: true,
    attention: LINFORMER,
    provenance: { source: 'paper', note: 'The paper uses projection dimension 128 for all projection baselines.' },
    help: 'k: rows of Linformer’s E ∈ R^{k×n}, which projects the n keys and values to k. E has one column per position, so it ties the model to its seqLen: the length cannot change after training, and every input is padded to exactly seqLen. Cost is linear in n for fixed k.',
  }),
  linformerSharing: oneOf({
    url: 'lsh',
    group: 'attention',
    part: 'model',
    apply: 'cold',
    label: 'Linformer E sharing',
    values: ['shared', 'per-layer'],
    default: 'shared',
    attention: LINFORMER,
    provenance: {
      source: 'ours',
      note: 'The LRA reference code keeps one E for all layers (a class-level parameter); per-layer is the alternative.',
    },
    help: 'shared: one E [heads, k, seqLen] for all layers (what the LRA reference code does); per-layer: each layer has its own. Either way E ties the model to its seqLen (the length cannot change after training).',
  }),
  performerFeatures: int({
    url: 'pf',
    group: 'attention',
    part: 'model',
    apply: 'cold',
    label: 'Performer features',
    default: 128,
    min: 1,
    max: 4096,
    log: true,
    attention: PERFORMER,
    provenance: { source: 'paper', note: 'The paper uses 128 features for all projection baselines.' },
    help: 'Random features per head: rows of the orthogonal Gaussian projection W [features, d_h] (blocks of d_h orthogonal rows, FAVOR+). Not trained; stored with the weights and exported. More features approximate the softmax kernel better.',
  }),
  performerKernel: oneOf({
    url: 'pk',
    group: 'attention',
    part: 'model',
    apply: 'cold',
    label: 'Performer kernel',
    values: ['relu', 'softmax'],
    default: 'relu',
    attention: PERFORMER,
    provenance: {
      source: 'ours',
      note: 'The LRA reference code hands performer_pytorch a ReLU kernel, but that library uses it only with generalized_attention on, which the LRA code does not set: the reference may in fact run the softmax kernel (not verified here). The softmax kernel is the one that approximates softmax attention.',
    },
    help: 'relu: φ(x) = relu(x Wᵀ) + 1e-3 (the kernel the LRA reference code names; see the provenance note). softmax: positive exponential features exp(x Wᵀ − ‖x‖²/2 − max)/√features, an unbiased estimate of the softmax kernel.',
  }),
  performerRedraw: int({
    url: 'prd',
    group: 'attention',
    part: 'model',
    apply: 'cold',
    label: 'Feature redraw every',
    default: 0,
    min: 0,
    max: 1000000,
    log: false,
    step: 1,
    attention: PERFORMER,
    provenance: { source: 'ours', note: 'The LRA reference code never redraws; performer_pytorch can redraw every k steps.' },
    help: 'Redraw the random features every k training steps (deterministic from initSeed and the step; never during evaluation); 0 = never (the LRA reference code).',
  }),
  bigbirdBlock: int({
    url: 'bb',
    group: 'attention',
    part: 'model',
    apply: 'cold',
    label: 'BigBird block size b',
    default: 64,
    min: 1,
    max: 4096,
    log: true,
    attention: BIGBIRD,
    provenance: { source: 'paper', note: 'The paper runs BigBird with a block size of 64.' },
    help: 'Tokens per block; seqLen must be a multiple of it. The first and last block attend to everything; every other block attends to 3 window blocks, the 2 global blocks and r random blocks, so each query sees at most (5 + r)·b keys. With seqLen ≤ 2b every block is global and the layer is exact softmax attention.',
  }),
  bigbirdRandom: int({
    url: 'br',
    group: 'attention',
    part: 'model',
    apply: 'cold',
    label: 'BigBird random blocks r',
    default: 3,
    min: 0,
    max: 16,
    step: 1,
    attention: BIGBIRD,
    provenance: {
      source: 'ours',
      note: 'BigBird’s ITC setting (and the LRA code) use 3 random blocks per query block; the paper does not restate it. We draw them once per layer from the run’s seed and keep them fixed in training and evaluation (the original redraws them every step in training).',
    },
    help: 'Random key blocks per query block, drawn once per layer from the run’s seed among the blocks that are neither in the window nor global (fewer when not enough exist), and kept fixed: they travel with the weights (random_blocks).',
  }),
} as const;
