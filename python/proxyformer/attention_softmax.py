"""Softmax attention, the exact Transformer (docs/models.md "Softmax attention").

    out = Drop(softmax(s·Q Kᵀ + keymask)) V,  s = 1/√d_h,
per head, with Q, K, V the layer's Linear projections (bias) split into heads, heads merged
back and passed through `out`. Only keys are masked (docs/model-contract.md).
The dropout site is `layers.i.attn.dropout` [B, H, n, n].

With softmaxImpl 'fused' (attention dropout 0, checked by the config) the product runs through
PyTorch's own fused kernel, `scaled_dot_product_attention` (FlashAttention / memory-efficient
attention on CUDA), where this torch has it: the native anchor of the benchmarks (docs/gpu.md).
The maths is the same; views still take the composed path, which is the one that has the matrix.
"""
from __future__ import annotations

import math
from typing import Any, Dict, Optional, Tuple

import torch
import torch.nn as nn
import torch.nn.functional as F

from .common import key_mask_bias, merge_heads, split_heads
from .config import ModelConfig
from .dropout import DropoutPlan


class SoftmaxAttention(nn.Module):
    """Multi-head softmax attention with parameters q, k, v, out."""

    def __init__(self, config: ModelConfig):
        super().__init__()
        d = config.dModel
        self.heads = config.heads
        self.dropout_rate = config.attentionDropout
        self.fused = config.softmaxImpl == "fused"
        self.q = nn.Linear(d, d)
        self.k = nn.Linear(d, d)
        self.v = nn.Linear(d, d)
        self.out = nn.Linear(d, d)

    def forward(self, x: torch.Tensor, mask: torch.Tensor, plan: DropoutPlan, prefix: str,
                want_views: bool = False) -> Tuple[torch.Tensor, Dict[str, Any]]:
        """x [B, n, d], mask [B, n] -> (out [B, n, d], aux with 'views' when asked)."""
        q, k, v = (split_heads(f(x), self.heads) for f in (self.q, self.k, self.v))
        if self.implementation() == "sdpa" and not want_views:
            ctx = F.scaled_dot_product_attention(q, k, v, attn_mask=key_mask_bias(mask).to(q.dtype))
            return self.out(merge_heads(ctx)), {"contrastive": None}
        scale = 1.0 / math.sqrt(q.shape[-1])
        probs = torch.softmax(scale * q @ k.transpose(-1, -2) + key_mask_bias(mask), dim=-1)
        dropped = plan.elementwise(prefix + "dropout", probs, self.dropout_rate)
        out = self.out(merge_heads(dropped @ v))
        aux: Dict[str, Any] = {"contrastive": None}
        if want_views:
            aux["views"] = {"attention": probs.detach()}
        return out, aux

    def implementation(self) -> str:
        """'sdpa' (torch's fused kernel) or 'composed' (softmax of the n×n scores, then the product)."""
        return "sdpa" if self.fused and hasattr(F, "scaled_dot_product_attention") else "composed"


def exact_attention_matrix(q: torch.Tensor, k: torch.Tensor, mask: Optional[torch.Tensor]) -> torch.Tensor:
    """softmax(s·Q Kᵀ + keymask) for head tensors [B, H, n, d_h]: the views' ground truth."""
    scale = 1.0 / math.sqrt(q.shape[-1])
    bias = 0.0 if mask is None else key_mask_bias(mask)
    return torch.softmax(scale * q @ k.transpose(-1, -2) + bias, dim=-1)
