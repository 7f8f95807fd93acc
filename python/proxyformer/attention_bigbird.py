"""BigBird (Zaheer et al. 2020), ITC block-sparse attention (docs/baselines.md "BigBird").

The sequence is cut into nb = n / b blocks of b tokens. The first and last block are global:
their queries attend to every key. Every other query block i attends to the union of its
window (blocks i − 1, i, i + 1), the global blocks 0 and nb − 1, and r random blocks drawn
among the others; a block listed twice is attended once (the duplicate slot is masked). With
nb ≤ 2 every block is global: exact softmax attention. Computed as the TypeScript module does:
the keys and values of each sparse query block are gathered into [slots·b, d_h], so memory
grows as n·slots·b. Padded keys and duplicate slots get −1e9.

The random blocks are the buffer `random_blocks` [max(nb − 2, 1), max(r, 1)] (block ids, −1 for
none), loaded from bundles so that both implementations use the same draw; a model built here
draws its own with torch's generator. Dropout sites: `dropout` on the global rows' attention
[B, H, g, n] and `dropout_blocks` on the sparse rows' [B·H, nb − 2, b, slots·b].
"""
from __future__ import annotations

import math
from typing import Any, Dict, List, Tuple

import torch
import torch.nn as nn

from .common import KEY_MASK_VALUE, key_mask_bias, merge_heads, split_heads
from .config import ModelConfig
from .dropout import DropoutPlan


def draw_random_blocks(nb: int, r: int, generator: torch.Generator = None) -> torch.Tensor:
    """[max(nb − 2, 1), max(r, 1)] block ids: r distinct ones per sparse query block, outside its window and the globals."""
    out = torch.full((max(nb - 2, 1), max(r, 1)), -1.0)
    for row in range(nb - 2):
        i = row + 1
        pool = [j for j in range(nb) if j not in {i - 1, i, i + 1, 0, nb - 1}]
        order = torch.randperm(len(pool), generator=generator).tolist()
        for t in range(min(r, len(pool))):
            out[row, t] = float(pool[order[t]])
    return out


def block_layout(nb: int, b: int, r: int, random_blocks: torch.Tensor) -> Tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """-> (gathered positions [(nb − 2)·slots·b] long, slot validity (same, 0/1), pattern [nb, nb])."""
    gather: List[int] = []
    valid: List[float] = []
    pattern = torch.zeros(nb, nb)
    for g in (range(nb) if nb <= 2 else (0, nb - 1)):
        pattern[g] = 1.0
    for row in range(max(nb - 2, 0)):
        i = row + 1
        listed = [i - 1, i, i + 1, 0, nb - 1] + [int(x) for x in random_blocks[row, :r].tolist()] if r > 0 else [i - 1, i, i + 1, 0, nb - 1]
        seen = set()
        for slot, block in enumerate(listed):
            ok = block >= 0 and block not in seen
            seen.add(block)
            gather.extend(max(block, 0) * b + t for t in range(b))
            valid.extend([1.0 if ok else 0.0] * b)
            if ok:
                pattern[i, block] = 2.0 if slot >= 5 else 1.0
    return torch.tensor(gather, dtype=torch.long), torch.tensor(valid), pattern


class BigBirdAttention(nn.Module):
    """Multi-head BigBird attention: parameters q, k, v, out and the buffer `random_blocks`."""

    def __init__(self, config: ModelConfig):
        super().__init__()
        d = config.dModel
        self.heads = config.heads
        self.block = config.bigbirdBlock
        self.random = config.bigbirdRandom
        self.dropout_rate = config.attentionDropout
        if config.seqLen % self.block != 0:
            raise ValueError(f"BigBird: seqLen {config.seqLen} is not a multiple of the block size {self.block}")
        self.nb = config.seqLen // self.block
        self.q = nn.Linear(d, d)
        self.k = nn.Linear(d, d)
        self.v = nn.Linear(d, d)
        self.out = nn.Linear(d, d)
        self.register_buffer("random_blocks", draw_random_blocks(self.nb, self.random))

    def forward(self, x: torch.Tensor, mask: torch.Tensor, plan: DropoutPlan, prefix: str,
                want_views: bool = False) -> Tuple[torch.Tensor, Dict[str, Any]]:
        """x [B, n, d], mask [B, n] -> (out [B, n, d], aux with 'views' when asked)."""
        q, k, v = (split_heads(f(x), self.heads) for f in (self.q, self.k, self.v))
        bsz, heads, n, dh = q.shape
        if n != self.nb * self.block:
            raise ValueError(f"BigBird: input length {n} differs from seqLen {self.nb * self.block}")
        scale = 1.0 / math.sqrt(dh)
        b, nb = self.block, self.nb
        gather, valid, pattern = block_layout(nb, b, self.random, self.random_blocks)
        bias = key_mask_bias(mask)
        q_global = q if nb <= 2 else torch.cat([q[:, :, :b], q[:, :, n - b:]], dim=2)
        p_global = torch.softmax(scale * q_global @ k.transpose(-1, -2) + bias, dim=-1)
        o_global = plan.elementwise(prefix + "dropout", p_global, self.dropout_rate) @ v
        aux: Dict[str, Any] = {"contrastive": None}
        if nb <= 2:
            if want_views:
                aux["views"] = {"attention_implied": p_global.detach(),
                                "block_pattern": pattern.to(q.dtype).expand(1, heads, nb, nb).clone()}
            return self.out(merge_heads(o_global)), aux
        rows, width = nb - 2, gather.numel() // (nb - 2)
        q_sparse = q[:, :, b:n - b].reshape(bsz * heads, rows, b, dh)
        k_g = k.reshape(bsz * heads, n, dh)[:, gather].reshape(bsz * heads, rows, width, dh)
        v_g = v.reshape(bsz * heads, n, dh)[:, gather].reshape(bsz * heads, rows, width, dh)
        mask_bh = mask[:, None, :].expand(bsz, heads, n).reshape(bsz * heads, n)
        keep = mask_bh[:, gather].reshape(bsz * heads, rows, 1, width) * valid.to(q.dtype).reshape(1, rows, 1, width)
        p_sparse = torch.softmax(scale * q_sparse @ k_g.transpose(-1, -2) + KEY_MASK_VALUE * (1.0 - keep), dim=-1)
        dropped = plan.elementwise(prefix + "dropout_blocks", p_sparse, self.dropout_rate)
        o_sparse = (dropped @ v_g).reshape(bsz, heads, rows * b, dh)
        heads_out = torch.cat([o_global[:, :, :b], o_sparse, o_global[:, :, b:]], dim=2)
        if want_views:
            aux["views"] = {"attention_implied": implied_attention(p_global, p_sparse, gather, valid, bsz, heads, n, b).detach(),
                            "block_pattern": pattern.to(q.dtype).expand(1, heads, nb, nb).clone()}
        return self.out(merge_heads(heads_out)), aux


def implied_attention(p_global: torch.Tensor, p_sparse: torch.Tensor, gather: torch.Tensor, valid: torch.Tensor,
                      bsz: int, heads: int, n: int, b: int) -> torch.Tensor:
    """The n×n attention the layer implies [B, H, n, n]: global rows as computed, sparse rows scattered back."""
    dense = torch.zeros(bsz, heads, n, n, dtype=p_global.dtype)
    dense[:, :, :b] = p_global[:, :, :b]
    dense[:, :, n - b:] = p_global[:, :, b:]
    rows, width = p_sparse.shape[1], p_sparse.shape[3]
    sparse = p_sparse.reshape(bsz, heads, rows, b, width) * valid.reshape(rows, 1, width).to(p_global.dtype)
    index = gather.reshape(rows, 1, width).expand(rows, b, width)
    middle = torch.zeros(bsz, heads, rows, b, n, dtype=p_global.dtype)
    middle.scatter_add_(-1, index.expand(bsz, heads, rows, b, width), sparse)
    dense[:, :, b:n - b] = middle.reshape(bsz, heads, rows * b, n)
    return dense
