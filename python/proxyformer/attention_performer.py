"""Performer attention (FAVOR+, Choromanski et al. 2021), the non-causal FastAttention of
performer_pytorch as the Nyströmformer authors' LRA code wraps it (docs/model-contract.md,
"Projection and kernel baselines").

Per head, with the layer's random features W [F, d_h] (one W shared by the heads of a layer):
    q = Q / d_h^¼,  k = (K / d_h^¼)⊙mask,  v = V⊙mask
    out = φ(q)(φ(k)ᵀ v) / D,  D = φ(q)(φ(k)ᵀ 1)
    relu:    φ(x) = relu(x Wᵀ) + 1e-3
    softmax: φ(x) = F^-½ (exp(x Wᵀ − ‖x‖²/2 − c) + 1e-4), c the row max of x Wᵀ for queries and
             the max over all keys and features of the sample and head for keys; c is detached.
Padded keys are zero vectors, not removed: φ(0) still adds to D, as in the reference. We scale
by d_h^-¼ once (performer_pytorch scales once more inside its kernels under the LRA wrapper), so
that φ(q)·φ(k) estimates exp(q·k/√d_h). W is a buffer (`layers.i.attn.features`): state, not a
parameter, loaded from bundles so that both implementations use the same features.
"""
from __future__ import annotations

from typing import Any, Dict, Optional, Tuple

import torch
import torch.nn as nn

from .common import merge_heads, split_heads
from .config import ModelConfig
from .dropout import DropoutPlan
from .performer_features import orthogonal_gaussian_features

RELU_KERNEL_EPS = 1e-3
SOFTMAX_KERNEL_EPS = 1e-4


def relu_features(x: torch.Tensor, w: torch.Tensor) -> torch.Tensor:
    """φ(x) = relu(x Wᵀ) + 1e-3: x [..., n, d_h], W [F, d_h] -> [..., n, F]."""
    return torch.relu(x @ w.t()) + RELU_KERNEL_EPS


def softmax_stabiliser(x: torch.Tensor, w: torch.Tensor, is_query: bool) -> torch.Tensor:
    """c, detached: the row max of x Wᵀ for queries [B, H, n, 1], the max over keys and features
    for keys [B, H, 1, 1]."""
    dims = (-1,) if is_query else (-2, -1)
    return (x @ w.t()).amax(dim=dims, keepdim=True).detach()


def softmax_features(x: torch.Tensor, w: torch.Tensor, is_query: bool,
                     stabiliser: Optional[torch.Tensor] = None) -> torch.Tensor:
    """Positive exponential features of the softmax kernel: x [B, H, n, d_h] -> [B, H, n, F].
    `stabiliser` defaults to softmax_stabiliser(x, w, is_query); a test may hold it fixed to
    check the gradient that the detach defines."""
    projected = x @ w.t()
    half_norm = (x * x).sum(dim=-1, keepdim=True) / 2
    if stabiliser is None:
        stabiliser = softmax_stabiliser(x, w, is_query)
    return (torch.exp(projected - half_norm - stabiliser) + SOFTMAX_KERNEL_EPS) / w.shape[0] ** 0.5


def feature_maps(q: torch.Tensor, k: torch.Tensor, mask: torch.Tensor, w: torch.Tensor,
                 kernel: str) -> Tuple[torch.Tensor, torch.Tensor]:
    """φ(q), φ(k) [B, H, n, F] of heads Q, K [B, H, n, d_h] (scaling and key masking included)."""
    scale = q.shape[-1] ** -0.25
    qs = q * scale
    ks = k * scale * mask[:, None, :, None]
    if kernel == "relu":
        return relu_features(qs, w), relu_features(ks, w)
    if kernel == "softmax":
        return softmax_features(qs, w, True), softmax_features(ks, w, False)
    raise ValueError(f"performerKernel must be relu or softmax, got {kernel!r}")


def performer_heads(q: torch.Tensor, k: torch.Tensor, v: torch.Tensor, mask: torch.Tensor,
                    w: torch.Tensor, kernel: str) -> Tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """-> (out [B, H, n, d_h], φ(q), φ(k)); linear in n: φ(k)ᵀv is [F, d_h]."""
    phi_q, phi_k = feature_maps(q, k, mask, w, kernel)
    v = v * mask[:, None, :, None]
    numerator = phi_q @ (phi_k.transpose(-1, -2) @ v)
    denominator = phi_q @ phi_k.sum(dim=-2).unsqueeze(-1)
    return numerator / denominator, phi_q, phi_k


class PerformerAttention(nn.Module):
    """Multi-head Performer attention: parameters q, k, v, out and the buffer `features`."""

    def __init__(self, config: ModelConfig):
        super().__init__()
        d = config.dModel
        self.heads = config.heads
        self.kernel = config.performerKernel
        self.q = nn.Linear(d, d)
        self.k = nn.Linear(d, d)
        self.v = nn.Linear(d, d)
        self.out = nn.Linear(d, d)
        self.register_buffer("features", orthogonal_gaussian_features(config.performerFeatures, config.head_dim))

    def redraw_features(self, generator: torch.Generator = None) -> None:
        """Replace W with a fresh draw (the trainer's performerRedraw)."""
        fresh = orthogonal_gaussian_features(self.features.shape[0], self.features.shape[1], generator)
        self.features.copy_(fresh.to(self.features.dtype))

    def forward(self, x: torch.Tensor, mask: torch.Tensor, plan: DropoutPlan, prefix: str,
                want_views: bool = False) -> Tuple[torch.Tensor, Dict[str, Any]]:
        """x [B, n, d], mask [B, n] -> (out [B, n, d], aux with 'views' when asked)."""
        q, k, v = (split_heads(f(x), self.heads) for f in (self.q, self.k, self.v))
        heads_out, phi_q, phi_k = performer_heads(q, k, v, mask, self.features, self.kernel)
        aux: Dict[str, Any] = {"contrastive": None}
        if want_views:  # the features as the layer uses them; views.implied_attention gives the n×n matrix
            aux["views"] = {"Q_features": phi_q.detach(), "K_features": phi_k.detach()}
        return self.out(merge_heads(heads_out)), aux
