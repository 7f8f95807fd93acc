/** The two parameterised building blocks every module uses: Linear and LayerNorm (PyTorch names and layouts). */
import { add, fusionEnabled, layerNorm, matmul, projection, reshape, splitHeads, type ParameterScope, type Tensor } from '../engine';
import type { Initialiser } from './init';

/** y = x Wᵀ + b with W [out, in] (`<name>.weight`, `<name>.bias`), PyTorch's default init. */
export class Linear {
  readonly weight: Tensor;
  readonly bias: Tensor;

  constructor(scope: ParameterScope, name: string, inFeatures: number, outFeatures: number, init: Initialiser) {
    const bound = 1 / Math.sqrt(inFeatures);
    this.weight = scope.create(`${name}.weight`, [outFeatures, inFeatures], init.uniform(outFeatures * inFeatures, bound));
    this.bias = scope.create(`${name}.bias`, [outFeatures], init.uniform(outFeatures, bound));
  }

  /** x [..., in] → [..., out]: the engine's fused op (one dispatch forward), or under `withoutFusion` product then bias add. */
  apply(x: Tensor): Tensor {
    if (fusionEnabled()) return projection(x, this.weight, this.bias);
    return add(matmul(x, this.weight, { transB: true }), this.bias);
  }

  /** x [B, n, in] → heads [B, H, n, out / H] (`splitHeads` of `apply`), the split written by the same dispatch when fused. */
  applyHeads(x: Tensor, heads: number): Tensor {
    // One head: the fused op keeps [B, n, out]; the head axis is a free reshape ([B, 1, n, out]).
    if (fusionEnabled())
      return heads > 1
        ? projection(x, this.weight, this.bias, heads)
        : reshape(projection(x, this.weight, this.bias), [x.shape[0], 1, x.shape[1], this.weight.shape[0]]);
    return splitHeads(this.apply(x), heads);
  }
}

/** LayerNorm over the last axis with eps 1e-5 (`<name>.weight` = 1, `<name>.bias` = 0 at init). */
export class Norm {
  readonly weight: Tensor;
  readonly bias: Tensor;

  constructor(scope: ParameterScope, name: string, width: number) {
    this.weight = scope.create(`${name}.weight`, [width], 1);
    this.bias = scope.create(`${name}.bias`, [width], 0);
  }

  /** x [..., width] → normalised, scaled and shifted. */
  apply(x: Tensor): Tensor {
    return layerNorm(x, this.weight, this.bias, 1e-5);
  }
}
