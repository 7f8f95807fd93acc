"""Performer's random features W [F, d_h] (FAVOR+, Choromanski et al. 2021), drawn with torch.

docs/model-contract.md: ⌈F/d_h⌉ blocks of d_h orthogonal rows (the orthonormalised rows of a
d_h×d_h Gaussian matrix; the last block keeps its first rows), each row then rescaled by the
norm of an independent Gaussian vector of length d_h, so that every row has the length
distribution of a Gaussian row while rows within a block stay orthogonal. The draw is only for
a model built from scratch in Python: a bundle or a parity run loads the TypeScript side's W.
"""
from __future__ import annotations

from typing import Optional

import torch


def orthogonal_block(size: int, generator: Optional[torch.Generator] = None) -> torch.Tensor:
    """[size, size] with orthonormal rows: Gram–Schmidt of a Gaussian matrix's columns, as rows.
    QR with the signs of R's diagonal folded into Q is exactly Gram–Schmidt (and uniform on O(d))."""
    gaussian = torch.randn(size, size, generator=generator, dtype=torch.float64)
    q, r = torch.linalg.qr(gaussian)
    signs = torch.sign(torch.diagonal(r))
    signs[signs == 0] = 1.0
    return (q * signs).t()


def orthogonal_gaussian_features(features: int, head_dim: int,
                                 generator: Optional[torch.Generator] = None) -> torch.Tensor:
    """W [features, head_dim], float32 (see the module docstring)."""
    if features < 1 or head_dim < 1:
        raise ValueError(f"Performer features need features >= 1 and d_h >= 1, got {features} and {head_dim}")
    blocks = []
    for _ in range(-(-features // head_dim)):
        blocks.append(orthogonal_block(head_dim, generator))
    rows = torch.cat(blocks)[:features]
    lengths = torch.randn(features, head_dim, generator=generator, dtype=torch.float64).norm(dim=1)
    return (lengths[:, None] * rows).to(torch.float32)
