"""Nyströmformer attention (Xiong et al. 2021; docs/models.md "Nyströmformer").

Paper and reference code, per head, s = 1/√d_h:
    K1 = softmax(s·Q K̃ᵀ) [n×m],  K2 = softmax(s·Q̃ K̃ᵀ) [m×m],  K3 = softmax(s·Q̃ Kᵀ + keymask) [m×n]
    out = (K1 · Z) · (K3 · V) + DConv(V·mask),  Z ≈ K2⁺ (pinv.py)
with Q̃, K̃ the means of m contiguous segments of the rows of Q and K.
Padding as the reference code (docs/model-contract.md): Q and K rows are multiplied by the
mask first (so K1 uses the masked Q, and padding counts in the segment length), only K3 gets
the additive key mask, and no attention dropout is applied on this path. The reference code
falls back to exact softmax when m == n; we do not (docs/models.md "Masking"): with m == n
the product still approximates softmax attention, see tests/test_nystrom.py.

`nystrom_product` is shared with Proxyformer (attention_proxy.py), which only changes where
Q̃ and K̃ come from and adds decomposed dropout.
"""
from __future__ import annotations

import math
from typing import Any, Dict, Optional, Tuple

import torch
import torch.nn as nn
import torch.nn.functional as F

from .common import key_mask_bias, merge_heads, segment_means, split_heads
from .config import ModelConfig
from .dropout import DropoutPlan
from .pinv import iterative_pinv


class ConvSkip(nn.Module):
    """The conv skip DConv(V·mask), a depthwise convolution: one length-k kernel per head shared across the d_h channels, zero padding k//2,
    no bias (reference code: Conv2d(H, H, (k, 1), groups=H)). `weight` is [heads, k].

    Cross-correlation, as PyTorch convolutions: out[b,h,i,c] = Σ_t w[h,t] · V[b,h,i+t−k//2,c],
    positions outside [0, n) read zero.
    """

    def __init__(self, heads: int, kernel: int):
        super().__init__()
        self.weight = nn.Parameter(torch.empty(heads, kernel))
        bound = 1.0 / math.sqrt(kernel)  # PyTorch's Conv2d default init for fan-in k
        nn.init.uniform_(self.weight, -bound, bound)

    def forward(self, v: torch.Tensor) -> torch.Tensor:
        """v [B, H, n, d_h] (already masked) -> [B, H, n, d_h]."""
        heads, kernel = self.weight.shape
        w = self.weight.reshape(heads, 1, kernel, 1)
        return F.conv2d(v, w, padding=(kernel // 2, 0), groups=heads)


def nystrom_product(q: torch.Tensor, k: torch.Tensor, v: torch.Tensor,
                    q_landmarks: torch.Tensor, k_landmarks: torch.Tensor, mask: torch.Tensor,
                    pinv_iterations: int, pinv_init: str,
                    columns: Optional[torch.Tensor] = None, placement: str = "off",
                    conv: Optional[ConvSkip] = None,
                    want_views: bool = False) -> Tuple[torch.Tensor, Optional[Dict[str, torch.Tensor]]]:
    """(K1·Z)·(K3·V) + DConv(V·mask) for heads [B, H, n, d_h] and landmarks [B or 1, H, m, d_h].

    `columns` [B, H, m] (0/1) is the decomposed-dropout keep mask r: with placement
    'k2-columns' K2' = K2·diag(r) before the pseudo-inverse, with 'z-columns' Z' = Z·diag(r).
    Returns (out [B, H, n, d_h], views or None).
    """
    scale = 1.0 / math.sqrt(q.shape[-1])
    k1 = torch.softmax(scale * q @ k_landmarks.transpose(-1, -2), dim=-1)
    k2 = torch.softmax(scale * q_landmarks @ k_landmarks.transpose(-1, -2), dim=-1)
    k3 = torch.softmax(scale * q_landmarks @ k.transpose(-1, -2) + key_mask_bias(mask), dim=-1)
    a = k2
    if columns is not None and placement == "k2-columns":
        a = k2 * columns[..., None, :]
    z, residuals = iterative_pinv(a, pinv_iterations, pinv_init, return_residuals=want_views)
    if columns is not None and placement == "z-columns":
        z = z * columns[..., None, :]
    out = (k1 @ z) @ (k3 @ v)
    if conv is not None:
        out = out + conv(v * mask[:, None, :, None])
    views = None
    if want_views:
        views = {"K1": k1, "K2": k2, "K2_dropped": a, "Z": z, "K3": k3,
                 "Q_landmarks": q_landmarks, "K_landmarks": k_landmarks,
                 "pinv_residuals": torch.stack(residuals, dim=-1)}
        views = {name: t.detach() for name, t in views.items()}
    return out, views


class NystromAttention(nn.Module):
    """Multi-head Nyström attention with parameters q, k, v, out and conv (if convKernel > 0)."""

    def __init__(self, config: ModelConfig):
        super().__init__()
        d = config.dModel
        self.config = config
        self.q = nn.Linear(d, d)
        self.k = nn.Linear(d, d)
        self.v = nn.Linear(d, d)
        self.out = nn.Linear(d, d)
        self.conv = ConvSkip(config.heads, config.convKernel) if config.convKernel > 0 else None

    def forward(self, x: torch.Tensor, mask: torch.Tensor, plan: DropoutPlan, prefix: str,
                want_views: bool = False) -> Tuple[torch.Tensor, Dict[str, Any]]:
        """x [B, n, d], mask [B, n] -> (out [B, n, d], aux with 'views' when asked)."""
        cfg = self.config
        keep = mask[:, None, :, None]
        q = split_heads(self.q(x), cfg.heads) * keep
        k = split_heads(self.k(x), cfg.heads) * keep
        v = split_heads(self.v(x), cfg.heads)
        q_landmarks = segment_means(q, cfg.landmarks)
        k_landmarks = segment_means(k, cfg.landmarks)
        heads_out, views = nystrom_product(q, k, v, q_landmarks, k_landmarks, mask,
                                           cfg.pinvIterations, cfg.pinvInit, conv=self.conv,
                                           want_views=want_views)
        aux: Dict[str, Any] = {"contrastive": None}
        if want_views:
            aux["views"] = views
        return self.out(merge_heads(heads_out)), aux
