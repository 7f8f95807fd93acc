"""Small tensor helpers shared by the attention variants (shapes in the docstrings).

Readings fixed in docs/model-contract.md, "Readings fixed here":
heads take contiguous column blocks; the additive key mask is −1e9·(1−mask);
segment means count padded rows in the denominator (as the Nyströmformer reference code).
"""
from __future__ import annotations

import torch

KEY_MASK_VALUE = -1e9


def split_heads(x: torch.Tensor, heads: int) -> torch.Tensor:
    """[B, n, d] -> [B, H, n, d/H]; head h takes columns h·d_h … (h+1)·d_h−1."""
    b, n, d = x.shape
    return x.reshape(b, n, heads, d // heads).transpose(1, 2)


def merge_heads(x: torch.Tensor) -> torch.Tensor:
    """[B, H, n, d_h] -> [B, n, H·d_h], heads in order (inverse of split_heads)."""
    b, h, n, dh = x.shape
    return x.transpose(1, 2).reshape(b, n, h * dh)


def key_mask_bias(mask: torch.Tensor) -> torch.Tensor:
    """[B, n] 1/0 mask -> additive bias [B, 1, 1, n] of −1e9 on padded keys."""
    return (KEY_MASK_VALUE * (1.0 - mask))[:, None, None, :]


def segment_means(x: torch.Tensor, segments: int) -> torch.Tensor:
    """[..., n, c] -> [..., m, c]: mean of m contiguous segments of n/m rows (docs/models.md "Landmarks")."""
    n = x.shape[-2]
    if n % segments != 0:
        raise ValueError(f"segment means need n a multiple of m: n {n}, m {segments}")
    return x.reshape(*x.shape[:-2], segments, n // segments, x.shape[-1]).mean(dim=-2)


def masked_mean(x: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
    """[B, n, c], [B, n] -> [B, c]: Σ mask·x / max(Σ mask, 1) (an all-padding row gives 0)."""
    count = mask.sum(dim=1, keepdim=True).clamp(min=1.0)
    return (x * mask[:, :, None]).sum(dim=1) / count
