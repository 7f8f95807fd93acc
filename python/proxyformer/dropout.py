"""Where each dropout multiplier comes from (docs/model-contract.md, "Explicit masks").

Two modes, chosen per forward call:
- explicit (`masks` is a dict, possibly empty): a mask given by its contract name is
  multiplied in (0 or 1/(1−p) for elementwise dropout, 0/1 for decomposed-dropout columns);
  a missing name means no dropout there, whatever `train()`/`eval()` says. This is how the
  parity tests make both implementations use the same draws.
- drawn (`masks is None`): ordinary PyTorch training — in `train()` mode the module draws
  its own masks with `torch` RNG, in `eval()` mode nothing is dropped.
"""
from __future__ import annotations

from typing import Dict, Optional, Sequence

import torch
import torch.nn.functional as F


class DropoutPlan:
    """Gives each named dropout site its multiplier for one tower of one forward call."""

    def __init__(self, masks: Optional[Dict[str, torch.Tensor]], training: bool, suffix: str = ""):
        self.masks = masks
        self.training = training
        self.suffix = suffix

    def _explicit(self, name: str, shape: Sequence[int]) -> Optional[torch.Tensor]:
        mask = self.masks.get(name + self.suffix)
        if mask is not None and tuple(mask.shape) != tuple(shape):
            raise ValueError(f"mask {name + self.suffix} has shape {list(mask.shape)}, "
                             f"expected {list(shape)}")
        return mask

    def elementwise(self, name: str, x: torch.Tensor, p: float) -> torch.Tensor:
        """Inverted dropout of rate p at site `name` (explicit multiplier when given)."""
        if self.masks is not None:
            mask = self._explicit(name, x.shape)
            return x if mask is None else x * mask.to(x.dtype)
        if self.training and p > 0:
            return F.dropout(x, p=p, training=True)
        return x

    def columns(self, name: str, shape: Sequence[int], p: float,
                like: torch.Tensor) -> Optional[torch.Tensor]:
        """Keep mask r ∈ {0,1} of shape [B, H, m] for decomposed dropout, or None (no drop)."""
        if self.masks is not None:
            mask = self._explicit(name, shape)
            if mask is not None and not bool(((mask == 0) | (mask == 1)).all()):
                raise ValueError(f"mask {name + self.suffix} must hold only 0 and 1 (a keep mask, no rescale)")
            return None if mask is None else mask.to(like.dtype)
        if self.training and p > 0:
            return torch.bernoulli(torch.full(tuple(shape), 1.0 - p, dtype=like.dtype, device=like.device))
        return None
