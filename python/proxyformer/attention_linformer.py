"""Linformer attention (Wang et al. 2020), as the Nyströmformer authors' LRA code runs it
(docs/model-contract.md, "Projection and kernel baselines").

Per head, with E ∈ R^{k×n} learned (one per head):
    K' = E·(K⊙mask),  V' = E·(V⊙mask)                 [B, H, k, d_h]
    out = softmax(s·Q K'ᵀ) V',  s = 1/√d_h
Q is not masked and there is no additive key mask: padding is removed by zeroing K and V
before the projection. No attention dropout. E has one column per position, so the input must
have exactly seqLen tokens. With linformerSharing 'shared' one E (`linformer_e`, a parameter
of the whole model, as the reference's class-level E) serves every layer; with 'per-layer'
each layer has its own `layers.i.attn.linformer_e`. Init N(0, 0.02).
"""
from __future__ import annotations

import math
from typing import Any, Dict, Optional, Tuple

import torch
import torch.nn as nn

from .common import merge_heads, split_heads
from .config import ModelConfig
from .dropout import DropoutPlan

E_INIT_STD = 0.02


def new_projection(config: ModelConfig) -> nn.Parameter:
    """E [heads, linformerK, seqLen], N(0, 0.02)."""
    e = nn.Parameter(torch.empty(config.heads, config.linformerK, config.seqLen))
    nn.init.normal_(e, std=E_INIT_STD)
    return e


def linformer_heads(q: torch.Tensor, k: torch.Tensor, v: torch.Tensor, mask: torch.Tensor,
                    e: torch.Tensor) -> Tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """Heads q, k, v [B, H, n, d_h], mask [B, n], E [H, k, n] ->
    (out [B, H, n, d_h], probs [B, H, n, k], projected keys K' [B, H, k, d_h])."""
    if e.shape[-1] != k.shape[-2]:
        raise ValueError(f"Linformer's E has {e.shape[-1]} columns (seqLen) but the input has {k.shape[-2]} "
                         f"tokens: pad every input to exactly seqLen")
    keep = mask[:, None, :, None]
    k_proj = e @ (k * keep)
    v_proj = e @ (v * keep)
    probs = torch.softmax((q / math.sqrt(q.shape[-1])) @ k_proj.transpose(-1, -2), dim=-1)
    return probs @ v_proj, probs, k_proj


class LinformerAttention(nn.Module):
    """Multi-head Linformer attention with parameters q, k, v, out (and linformer_e when per-layer)."""

    def __init__(self, config: ModelConfig):
        super().__init__()
        d = config.dModel
        self.heads = config.heads
        self.q = nn.Linear(d, d)
        self.k = nn.Linear(d, d)
        self.v = nn.Linear(d, d)
        self.out = nn.Linear(d, d)
        if config.linformerSharing == "per-layer":
            self.linformer_e = new_projection(config)
        else:
            self.linformer_e = None  # the model's shared `linformer_e` is passed to forward

    def forward(self, x: torch.Tensor, mask: torch.Tensor, plan: DropoutPlan, prefix: str,
                want_views: bool = False, shared_e: Optional[torch.Tensor] = None
                ) -> Tuple[torch.Tensor, Dict[str, Any]]:
        """x [B, n, d], mask [B, n] -> (out [B, n, d], aux with 'views' when asked)."""
        e = self.linformer_e if self.linformer_e is not None else shared_e
        if e is None:
            raise ValueError("shared Linformer attention needs the model's linformer_e")
        q, k, v = (split_heads(f(x), self.heads) for f in (self.q, self.k, self.v))
        heads_out, probs, k_proj = linformer_heads(q, k, v, mask, e)
        aux: Dict[str, Any] = {"contrastive": None}
        if want_views:  # names as the TypeScript module's views; E as [1, H, k, n] (shared by the batch)
            aux["views"] = {"E": e.detach()[None], "attention_projected": probs.detach(),
                            "K_landmarks": k_proj.detach()}
        return self.out(merge_heads(heads_out)), aux
