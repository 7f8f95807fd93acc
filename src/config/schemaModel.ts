/**
 * The model half of the schema: encoder sizes, the attention variant and its switches.
 * Keys and defaults are the ones docs/model-contract.md fixes (shared with python/).
 */
import { bool, float, int, oneOf } from './spec';
import { fixedByTask, paperByTask } from './tasks';

const APPROX = ['nystrom', 'proxy'] as const;
const PROXY = ['proxy'] as const;
const LINFORMER = ['linformer'] as const;
const PERFORMER = ['performer'] as const;

/** Encoder sizes and the variant. */
export const MODEL_PARAMS = {
  attention: oneOf({
    url: 'at', group: 'attention', part: 'model', apply: 'cold', label: 'Attention',
    values: ['softmax', 'nystrom', 'proxy', 'linformer', 'performer', 'linear'], default: 'proxy',
    help: 'The attention in every block: exact softmax (quadratic in n), Nyströmformer (segment-mean landmarks), Proxyformer (trainable proxy tokens as landmarks), or the LRA projection and kernel baselines Linformer, Performer and linear attention.',
    valueHelp: {
      softmax: 'exact softmax(QKᵀ/√d_h)V: the ground truth for every approximation view',
      nystrom: 'Xiong et al. 2021: landmarks are segment means of Q and K',
      proxy: 'Lee, Lee & Shin 2024: landmarks are trainable proxy tokens made input-aware',
      linformer: 'Wang et al. 2020: softmax(s·Q(EK)ᵀ)(EV) with a learned E ∈ R^{k×n}; the length n is fixed to seqLen',
      performer: 'Choromanski et al. 2021: D⁻¹φ(Q)(φ(K)ᵀV) with random orthogonal features (FAVOR+)',
      linear: 'Katharopoulos et al. 2020: D⁻¹φ(Q)(φ(K)ᵀV) with φ(x) = elu(x) + 1',
    },
  }),
  layers: int({
    url: 'ly', group: 'model', part: 'model', apply: 'cold', label: 'Layers', default: 2, min: 1, max: 12, step: 1,
    help: 'Encoder blocks (pre-LayerNorm, separate weights per layer). Paper: 2.',
  }),
  dModel: int({
    url: 'd', group: 'model', part: 'model', apply: 'cold', label: 'Width d', default: 64, min: 4, max: 1024, step: 4,
    help: 'Model width d (embeddings, residual stream). Must be divisible by the number of heads. Paper: 64.',
  }),
  heads: int({
    url: 'h', group: 'model', part: 'model', apply: 'cold', label: 'Heads', default: 2, min: 1, max: 16, step: 1,
    help: 'Attention heads H; each head has width d/H. Paper: 2 heads of 32.',
  }),
  ffn: int({
    url: 'ff', group: 'model', part: 'model', apply: 'cold', label: 'FFN width', default: 128, min: 1, max: 4096, step: 1,
    help: 'Feed-forward width, also the hidden width of the classifier head. Paper: 128.',
  }),
  vocabSize: int({
    url: 'voc', group: 'task', part: 'model', apply: 'cold', label: 'Vocabulary', default: 512, defaultByTask: paperByTask('vocabSize'),
    min: 2, max: 65536, log: true,
    help: 'Rows of the token embedding (id 0 = padding). At least what the task emits (ListOps 16, bytes and pixels 257); the LRA config uses 32 for ListOps and 512 elsewhere.',
  }),
  numClasses: int({
    url: 'cls', group: 'task', part: 'model', apply: 'cold', label: 'Classes', default: 10, defaultByTask: fixedByTask('numClasses'),
    min: 2, max: 1000,
    help: 'Output classes of the classifier; fixed by the task (ListOps 10, Text 2, Retrieval 2, Image 10, Pathfinder 2).',
  }),
  seqLen: int({
    url: 'n', group: 'task', part: 'model', apply: 'cold', label: 'Sequence length n', default: 1024, defaultByTask: paperByTask('seqLen'),
    min: 1, max: 16384, log: true,
    help: 'Tokens per example (per tower for Retrieval), also the size of the learned position table. Longer examples are truncated, shorter ones padded with 0.',
  }),
  twoTower: bool({
    url: 'tt', group: 'task', part: 'model', apply: 'cold', label: 'Two towers', default: false, defaultByTask: fixedByTask('twoTower'),
    help: 'Retrieval only: one shared encoder reads both documents; the head reads [x1, x2, x1*x2, x1−x2]. Fixed by the task.',
  }),
  pooling: oneOf({
    url: 'pool', group: 'model', part: 'model', apply: 'cold', label: 'Pooling', values: ['masked-mean', 'mean-all'], default: 'masked-mean',
    help: 'Mean over valid tokens, or over all n positions padding included (what the Nyströmformer reference code does).',
  }),
  dropout: float({
    url: 'dr', group: 'model', part: 'model', apply: 'hot', label: 'Dropout', default: 0.1, min: 0, max: 0.9, step: 0.01,
    help: 'Dropout after the embeddings, on both residual branches and after the FFN activation. LRA config: 0.1.',
  }),
  attentionDropout: float({
    url: 'adr', group: 'attention', part: 'model', apply: 'hot', label: 'Attention dropout', default: 0.1, min: 0, max: 0.9, step: 0.01,
    attention: ['softmax'],
    help: 'Dropout on the softmax attention probabilities. The Nyström path has none (as in the reference code); Proxyformer has decomposed dropout instead.',
  }),
} as const;

/** Nyström decomposition switches shared by Nyströmformer and Proxyformer. */
export const NYSTROM_PARAMS = {
  landmarks: int({
    url: 'm', group: 'attention', part: 'model', apply: 'cold', label: 'Landmarks / proxies m', default: 128, min: 1, max: 1024, log: true,
    attention: APPROX,
    provenance: { source: 'paper', note: 'The paper uses 128 proxies (and 128 landmarks for every projection-based baseline).' },
    help: 'm: segment-mean landmarks (Nyströmformer; n must be a multiple of m) or trainable proxies (Proxyformer). Cost is linear in n for fixed m.',
  }),
  // Up to 50: with m = n, the per-matrix start needs more than 20 iterations to reach 1e-8
  // (the PyTorch reference's exactness tests run 25 and 40, python/tests/test_nystrom.py, test_views.py).
  pinvIterations: int({
    url: 'pi', group: 'attention', part: 'model', apply: 'cold', label: 'Pseudo-inverse iterations', default: 6, min: 0, max: 50, step: 1,
    attention: APPROX,
    provenance: { source: 'ours', note: 'Whether Proxyformer keeps the iterative pseudo-inverse, and for how many steps, is not stated; we keep Nyströmformer’s 6.' },
    help: 'Iterations of Z ← ¼Z(13I − AZ(15I − AZ(7I − AZ))) towards K2⁺; gradients flow through each. 0 leaves Z at its initial value. Nyströmformer: 6.',
  }),
  pinvInit: oneOf({
    url: 'pin', group: 'attention', part: 'model', apply: 'cold', label: 'Pseudo-inverse init', values: ['per-matrix', 'global'],
    default: 'per-matrix', defaultByAttention: { nystrom: 'global', proxy: 'per-matrix' },
    attention: APPROX,
    provenance: { source: 'ours', note: 'Proxyformer’s initialisation is not stated; we scale per matrix. Nyströmformer’s code scales by the global max.' },
    help: 'Z0 = K2ᵀ / (max column sum of |K2|), taken per sample and head (per-matrix) or over the whole batch and all heads (global, what the Nyströmformer reference code runs).',
  }),
  convKernel: int({
    url: 'cv', group: 'attention', part: 'model', apply: 'cold', label: 'Conv skip kernel', default: 35, min: 0, max: 127, step: 1,
    attention: APPROX,
    provenance: { source: 'ours', note: 'Whether Proxyformer keeps Nyströmformer’s depthwise conv skip on V is not stated; we keep it (k = 35).' },
    help: 'Depthwise 1-D convolution on V along the sequence, one kernel per head, added to the output; 0 = off. Odd sizes only (zero padding k//2 keeps the length n). Nyströmformer: 35.',
  }),
} as const;

/** Proxyformer's own switches; each says whether the paper states it or we read it so. */
export const PROXY_PARAMS = {
  proxyParam: oneOf({
    url: 'pp', group: 'proxyformer', part: 'model', apply: 'cold', label: 'Proxy parameters', values: ['projected', 'per-head'], default: 'projected',
    attention: PROXY,
    provenance: { source: 'ours', note: 'The paper says trainable proxy tokens (neural memory); how they are parameterised is our reading.' },
    help: 'projected: per layer P ∈ R^{m×d} through the layer’s own W_Q and W_K (proxies are tokens). per-head: Q̃ and K̃ ∈ R^{H×m×d_h} are parameters used directly.',
  }),
  injection: oneOf({
    url: 'inj', group: 'proxyformer', part: 'model', apply: 'cold', label: 'Input injection', values: ['attend', 'mean', 'segment', 'none'], default: 'attend',
    attention: PROXY,
    provenance: { source: 'ours', note: 'The paper states an input-injection module that makes proxies input-aware; all four formulas are our reading.' },
    help: 'How the proxies see the input: attend (proxies read the input once, O(nm)), mean (a linear map of the masked mean is added), segment (segment means are added; n must be a multiple of m), none (K2 and Z do not depend on the input and are cached).',
    valueHelp: {
      attend: 'P_in = P + Concat_h(softmax(s·q(P)_h K_hᵀ + keymask) V_h)',
      mean: 'P_in = P + W_inj · maskedmean(X)',
      segment: 'P_in = P + SegMean_m(X) (n must be a multiple of m)',
      none: 'P_in = P: K2 and its pseudo-inverse are computed once per step and cached for inference',
    },
  }),
  contrastive: oneOf({
    url: 'con', group: 'proxyformer', part: 'model', apply: 'cold', label: 'Contrastive loss', values: ['qk-infonce', 'uniformity'], default: 'qk-infonce',
    attention: PROXY,
    provenance: { source: 'ours', note: 'The paper adds a contrastive loss against redundant proxies; its exact form is our reading.' },
    help: 'qk-infonce: proxy i’s query side Q̃_i must pick its own key side K̃_i among all m. uniformity: pushes the normalised K̃ apart. Charted as its own curve.',
  }),
  contrastiveWeight: float({
    url: 'lam', group: 'proxyformer', part: 'model', apply: 'hot', label: 'Contrastive weight λ', default: 0.1, min: 0, max: 10, step: 0.01,
    attention: PROXY,
    provenance: { source: 'ours', note: 'The weight of the contrastive loss is not stated; 0.1 is our starting point (sweep 0.01, 0.1, 1).' },
    help: 'λ in loss = task loss + λ · contrastive loss; 0 switches the contrastive loss off (an ablation of the paper).',
  }),
  contrastiveTemperature: float({
    url: 'tau', group: 'proxyformer', part: 'model', apply: 'hot', label: 'Temperature τ', default: 0.07, min: 0.001, max: 10, log: true,
    attention: PROXY,
    provenance: { source: 'paper', note: 'The paper sets the contrastive temperature to 0.07.' },
    help: 'τ of the contrastive loss: smaller values sharpen the similarity distribution. Paper: 0.07.',
  }),
  decomposedDropout: oneOf({
    url: 'dd', group: 'proxyformer', part: 'model', apply: 'cold', label: 'Decomposed dropout', values: ['k2-columns', 'z-columns', 'off'], default: 'k2-columns',
    attention: PROXY,
    provenance: { source: 'paper', note: 'The paper drops columns of K2; z-columns (the same mask on Z) is our alternative, off is the ablation.' },
    help: 'Training only: per sample and head, drop whole columns (key proxies) of K2 before the pseudo-inverse, or of Z after it; no rescale.',
  }),
  decomposedDropoutRate: float({
    url: 'ddr', group: 'proxyformer', part: 'model', apply: 'hot', label: 'Decomposed dropout p', default: 0.1, min: 0, max: 0.9, step: 0.01,
    attention: PROXY,
    provenance: { source: 'paper', note: 'The paper’s dropout probability is 0.1.' },
    help: 'Probability that a column (one key proxy) is dropped. Paper: 0.1.',
  }),
} as const;

/** The LRA projection and kernel baselines (Linformer, Performer) and their switches. */
export const BASELINE_PARAMS = {
  linformerK: int({
    url: 'lk', group: 'attention', part: 'model', apply: 'cold', label: 'Linformer projection k', default: 128, min: 1, max: 4096, log: true,
    attention: LINFORMER,
    provenance: { source: 'paper', note: 'The paper uses projection dimension 128 for all projection baselines.' },
    help: 'k: rows of Linformer’s E ∈ R^{k×n}, which projects the n keys and values to k. E has one column per position, so it ties the model to its seqLen: the length cannot change after training, and every input is padded to exactly seqLen. Cost is linear in n for fixed k.',
  }),
  linformerSharing: oneOf({
    url: 'lsh', group: 'attention', part: 'model', apply: 'cold', label: 'Linformer E sharing', values: ['shared', 'per-layer'], default: 'shared',
    attention: LINFORMER,
    provenance: { source: 'ours', note: 'The LRA reference code keeps one E for all layers (a class-level parameter); per-layer is the alternative.' },
    help: 'shared: one E [heads, k, seqLen] for all layers (what the LRA reference code does); per-layer: each layer has its own. Either way E ties the model to its seqLen (the length cannot change after training).',
  }),
  performerFeatures: int({
    url: 'pf', group: 'attention', part: 'model', apply: 'cold', label: 'Performer features', default: 128, min: 1, max: 4096, log: true,
    attention: PERFORMER,
    provenance: { source: 'paper', note: 'The paper uses 128 features for all projection baselines.' },
    help: 'Random features per head: rows of the orthogonal Gaussian projection W [features, d_h] (blocks of d_h orthogonal rows, FAVOR+). Not trained; stored with the weights and exported. More features approximate the softmax kernel better.',
  }),
  performerKernel: oneOf({
    url: 'pk', group: 'attention', part: 'model', apply: 'cold', label: 'Performer kernel', values: ['relu', 'softmax'], default: 'relu',
    attention: PERFORMER,
    provenance: { source: 'ours', note: 'The LRA reference code hands performer_pytorch a ReLU kernel, but that library uses it only with generalized_attention on, which the LRA code does not set: the reference may in fact run the softmax kernel (not verified here). The softmax kernel is the one that approximates softmax attention.' },
    help: 'relu: φ(x) = relu(x Wᵀ) + 1e-3 (the kernel the LRA reference code names; see the provenance note). softmax: positive exponential features exp(x Wᵀ − ‖x‖²/2 − max)/√features, an unbiased estimate of the softmax kernel.',
  }),
  performerRedraw: int({
    url: 'prd', group: 'attention', part: 'model', apply: 'cold', label: 'Feature redraw every', default: 0, min: 0, max: 1000000, log: false, step: 1,
    attention: PERFORMER,
    provenance: { source: 'ours', note: 'The LRA reference code never redraws; performer_pytorch can redraw every k steps.' },
    help: 'Redraw the random features every k training steps (deterministic from initSeed and the step; never during evaluation); 0 = never (the LRA reference code).',
  }),
} as const;
