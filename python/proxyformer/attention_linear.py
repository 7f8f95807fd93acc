"""Linear attention (Katharopoulos et al. 2020) exactly as the Nyströmformer authors' LRA code
runs it (docs/model-contract.md, "Projection and kernel baselines"):

    φ(x) = elu(x) + 1,  q = φ(Q) / n^¼,  k = φ(K)⊙mask / n^¼,  v = V⊙mask,  out = q (kᵀ v)

per head. Two points differ from the paper and are the LRA code's: the scale is the input's
sequence length n (`Q.size(2)` of a [B, H, n, d_h] tensor), not d_h, and there is no
normalisation by D = φ(Q)(φ(K)ᵀ1). No extra state, no attention dropout.
"""
from __future__ import annotations

from typing import Any, Dict, Tuple

import torch
import torch.nn as nn
import torch.nn.functional as F

from .common import merge_heads, split_heads
from .config import ModelConfig
from .dropout import DropoutPlan


def linear_feature_maps(q: torch.Tensor, k: torch.Tensor, mask: torch.Tensor) -> Tuple[torch.Tensor, torch.Tensor]:
    """φ(Q)/n^¼ and φ(K)⊙mask/n^¼ for heads [B, H, n, d_h]."""
    scale = q.shape[-2] ** -0.25
    return (F.elu(q) + 1) * scale, (F.elu(k) + 1) * mask[:, None, :, None] * scale


def linear_heads(q: torch.Tensor, k: torch.Tensor, v: torch.Tensor, mask: torch.Tensor
                 ) -> Tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """-> (out [B, H, n, d_h], φ(q), φ(k)); kᵀv is [d_h, d_h], so the cost is linear in n."""
    phi_q, phi_k = linear_feature_maps(q, k, mask)
    return phi_q @ (phi_k.transpose(-1, -2) @ (v * mask[:, None, :, None])), phi_q, phi_k


class LinearAttention(nn.Module):
    """Multi-head linear attention with parameters q, k, v, out."""

    def __init__(self, config: ModelConfig):
        super().__init__()
        d = config.dModel
        self.heads = config.heads
        self.q = nn.Linear(d, d)
        self.k = nn.Linear(d, d)
        self.v = nn.Linear(d, d)
        self.out = nn.Linear(d, d)

    def forward(self, x: torch.Tensor, mask: torch.Tensor, plan: DropoutPlan, prefix: str,
                want_views: bool = False) -> Tuple[torch.Tensor, Dict[str, Any]]:
        """x [B, n, d], mask [B, n] -> (out [B, n, d], aux with 'views' when asked)."""
        q, k, v = (split_heads(f(x), self.heads) for f in (self.q, self.k, self.v))
        heads_out, phi_q, phi_k = linear_heads(q, k, v, mask)
        aux: Dict[str, Any] = {"contrastive": None}
        if want_views:  # the features as the layer uses them; views.implied_attention gives the n×n matrix
            aux["views"] = {"Q_features": phi_q.detach(), "K_features": phi_k.detach()}
        return self.out(merge_heads(heads_out)), aux
