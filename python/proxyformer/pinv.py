"""Iterative Moore–Penrose pseudo-inverse of Nyströmformer (Xiong et al. 2021, Lemma 1).

Paper and reference code (docs/models.md "Pseudo-inverse"):
    Z_{j+1} = ¼ Z_j (13I − A Z_j (15I − A Z_j (7I − A Z_j))),   A = K2 (m×m).
Initialisation (both selectable):
    'per-matrix': Z_0 = Aᵀ / max_j Σ_i |A_ij|, per (sample, head) — the exact option;
    'global':     the same max taken over the whole batch and all heads — what the
                  LRA reference code really runs (its option key is mistyped).
Our readings (docs/model-contract.md): gradients flow through the max (ties share it
equally, `amax`) and through every iteration; a matrix that is all zeros (every column
dropped by decomposed dropout) keeps the scale 1, so its Z stays 0 instead of 0/0.
"""
from __future__ import annotations

from typing import List, Optional, Tuple

import torch

PINV_INITS = ("per-matrix", "global")


def initial_inverse(a: torch.Tensor, init: str) -> torch.Tensor:
    """Z_0 = Aᵀ / (max absolute column sum), per matrix or over the whole tensor."""
    column_sums = a.abs().sum(dim=-2)  # [..., m]: Σ_i |A_ij| for each column j
    if init == "per-matrix":
        scale = column_sums.amax(dim=-1)[..., None, None]
    elif init == "global":
        scale = column_sums.amax()
    else:
        raise ValueError(f"pinvInit must be one of {', '.join(PINV_INITS)}; got {init!r}")
    scale = torch.where(scale > 0, scale, torch.ones_like(scale))
    return a.transpose(-1, -2) / scale


def residual(a: torch.Tensor, z: torch.Tensor) -> torch.Tensor:
    """‖I − A·Z‖_F per matrix: [..., m, m] -> [...]."""
    eye = torch.eye(a.shape[-1], dtype=a.dtype, device=a.device)
    return torch.linalg.matrix_norm(eye - a @ z, ord="fro")


def iterative_pinv(a: torch.Tensor, iterations: int, init: str,
                   return_residuals: bool = False) -> Tuple[torch.Tensor, Optional[List[torch.Tensor]]]:
    """Z ≈ A⁺ for A of shape [..., m, m] after `iterations` steps.

    Returns (Z, residuals): residuals[k] = ‖I − A·Z_k‖_F for k = 0 (the initialisation)
    … iterations, each of shape [...], or None when not asked for.
    """
    if iterations < 0:
        raise ValueError(f"pinvIterations must be >= 0, got {iterations}")
    eye = torch.eye(a.shape[-1], dtype=a.dtype, device=a.device)
    z = initial_inverse(a, init)
    residuals = [residual(a, z)] if return_residuals else None
    for _ in range(iterations):
        az = a @ z
        z = (0.25 * z) @ (13 * eye - az @ (15 * eye - az @ (7 * eye - az)))
        if residuals is not None:
            residuals.append(residual(a, z))
    return z, residuals
