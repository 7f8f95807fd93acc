"""Losses: the task's cross-entropy and Proxyformer's two contrastive forms.

The contrastive formulas are our reconstruction (docs/models.md "Contrastive loss"; the paper states
only that a contrastive loss with temperature 0.07 keeps the proxies from being redundant):
    qk-infonce: a_i = normalize(Q̃_i), b_i = normalize(K̃_i),
                L = −(1/m) Σ_i log( exp(a_i·b_i/τ) / Σ_j exp(a_i·b_j/τ) )
    uniformity: z_i = normalize(K̃_i),  L = (1/m) Σ_i log Σ_{j≠i} exp(z_i·z_j/τ)
normalize is x / max(‖x‖₂, 1e-12) (torch.nn.functional.normalize).
"""
from __future__ import annotations

import torch
import torch.nn.functional as F

NORMALIZE_EPS = 1e-12


def qk_infonce(q_landmarks: torch.Tensor, k_landmarks: torch.Tensor, temperature: float) -> torch.Tensor:
    """InfoNCE between query-side and key-side proxies: [..., m, d_h] ×2 -> [...]."""
    a = F.normalize(q_landmarks, dim=-1, eps=NORMALIZE_EPS)
    b = F.normalize(k_landmarks, dim=-1, eps=NORMALIZE_EPS)
    logits = a @ b.transpose(-1, -2) / temperature
    positives = torch.diagonal(logits, dim1=-2, dim2=-1)
    return (torch.logsumexp(logits, dim=-1) - positives).mean(dim=-1)


def uniformity(k_landmarks: torch.Tensor, temperature: float) -> torch.Tensor:
    """Log-sum-exp of each proxy's similarity to the others: [..., m, d_h] -> [...]."""
    z = F.normalize(k_landmarks, dim=-1, eps=NORMALIZE_EPS)
    logits = z @ z.transpose(-1, -2) / temperature
    m = logits.shape[-1]
    diagonal = torch.eye(m, dtype=torch.bool, device=logits.device)
    logits = logits.masked_fill(diagonal, float("-inf"))
    return torch.logsumexp(logits, dim=-1).mean(dim=-1)


def contrastive_loss(kind: str, q_landmarks: torch.Tensor, k_landmarks: torch.Tensor,
                     temperature: float) -> torch.Tensor:
    """The configured contrastive form, per leading index ([B, H] for one layer)."""
    if kind == "qk-infonce":
        return qk_infonce(q_landmarks, k_landmarks, temperature)
    if kind == "uniformity":
        return uniformity(k_landmarks, temperature)
    raise ValueError(f"contrastive must be 'qk-infonce' or 'uniformity'; got {kind!r}")


def task_loss(logits: torch.Tensor, labels: torch.Tensor) -> torch.Tensor:
    """Cross-entropy, mean over the batch."""
    return F.cross_entropy(logits, labels.long())
