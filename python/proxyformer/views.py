"""Derived views (docs/models.md "Views"), computed from the
per-layer views that the attention modules return (`model(..., return_views=True)`):
the m×m cosine similarity of the landmark/proxy vectors and its mean off-diagonal value, and,
for n ≤ 1024, the error between the approximation and the exact softmax matrix. The
approximation is K1·Z·K3 for the Nyström variants and, for Performer and linear attention, the
implied n×n matrix: rows of φ(q)φ(k)ᵀ divided by their sum (docs/model-contract.md).
"""
from __future__ import annotations

from typing import Dict

import torch
import torch.nn.functional as F

from .attention_softmax import exact_attention_matrix
from .common import split_heads

EXACT_VIEW_MAX_N = 1024


def cosine_similarity_matrix(vectors: torch.Tensor) -> torch.Tensor:
    """[..., m, d_h] -> [..., m, m] cosine similarities (normalize eps 1e-12)."""
    unit = F.normalize(vectors, dim=-1, eps=1e-12)
    return unit @ unit.transpose(-1, -2)


def mean_off_diagonal(similarity: torch.Tensor) -> torch.Tensor:
    """[..., m, m] -> [...]: mean of the m(m−1) entries off the diagonal (the redundancy figure)."""
    m = similarity.shape[-1]
    if m < 2:
        raise ValueError(f"mean off-diagonal similarity needs at least 2 landmarks, got {m}")
    total = similarity.sum(dim=(-2, -1)) - torch.diagonal(similarity, dim1=-2, dim2=-1).sum(-1)
    return total / (m * (m - 1))


def implied_attention(phi_q: torch.Tensor, phi_k: torch.Tensor) -> torch.Tensor:
    """[B, H, n, F] features -> [B, H, n, n]: rows of φ(q)φ(k)ᵀ divided by their sum (a view
    only; the layers never build it)."""
    scores = phi_q @ phi_k.transpose(-1, -2)
    return scores / scores.sum(dim=-1, keepdim=True)


def approximation(views: Dict[str, torch.Tensor]) -> torch.Tensor:
    """The n×n attention matrix a layer's factors stand for: K1·Z·K3 (Nyström variants) or the
    implied matrix of Q_features, K_features (Performer, linear attention)."""
    if "Q_features" in views:
        return implied_attention(views["Q_features"], views["K_features"])
    return views["K1"] @ views["Z"] @ views["K3"]


def approximation_error(attn: torch.nn.Module, x: torch.Tensor, mask: torch.Tensor,
                        views: Dict[str, torch.Tensor]) -> Dict[str, torch.Tensor]:
    """Max-abs and relative Frobenius error of the approximation against softmax(s·QKᵀ + keymask)
    over valid query rows, per sample and head. `x` is the layer's normalised input LN1(X)."""
    n = x.shape[1]
    if n > EXACT_VIEW_MAX_N:
        raise ValueError(f"the exact softmax view is for n <= {EXACT_VIEW_MAX_N}, got n {n}")
    approx = approximation(views)
    heads = approx.shape[1]
    exact = exact_attention_matrix(split_heads(attn.q(x), heads), split_heads(attn.k(x), heads), mask)
    rows = mask[:, None, :, None]
    diff = (approx - exact) * rows
    return {"max_abs": diff.abs().amax(dim=(-2, -1)),
            "relative_fro": torch.linalg.matrix_norm(diff) / torch.linalg.matrix_norm(exact * rows)}
