"""Reformer's LSH attention (Kitaev et al. 2020) as Hugging Face's LSHSelfAttention computes it
(docs/baselines.md "Reformer"), written to match src/model/attention/reformer.ts.

One shared query-key projection per head: queries are the projections, keys the same vectors
unit-normalised (x / sqrt(mean x² + 1e-6) / sqrt(d_h)); scores are q·k with no further scale.
Each hashing round puts every token in the bucket argmax([xR_r; −xR_r]), sorts the tokens by
(bucket, position), and the rounds' sorted sequences, laid end to end, are cut into chunks of c
tokens; each chunk attends to itself and the chunk before it (cyclically). A token's own score is
replaced by −1e5, a padded key's by −1e9 (torch.where); padded tokens hash to a bucket of their
own after every real one, so they never change which keys a valid token meets. The outputs go back to token order and
the rounds are averaged with weights softmax_r(logsumexp of the round's scores). With one chunk
in all there is no previous chunk (Hugging Face's standard path).

Rotations: the buffer `rotations` [H, d_h, rounds · buckets/2] in evaluation and whenever
explicit dropout masks are given (the parity tests load it from the TypeScript side); a training
forward without masks draws fresh Gaussian rotations with torch's generator, as Hugging Face.
Dropout site `dropout` on the chunked probabilities [B·H, rounds·n/c, c, keys per chunk].
"""
from __future__ import annotations

import math
from typing import Any, Dict, Tuple

import torch
import torch.nn as nn

from .common import merge_heads, split_heads
from .config import ModelConfig
from .dropout import DropoutPlan

PAD_SCORE = -1e9
SELF_SCORE = -1e5


def reformer_buckets(seq_len: int, chunk: int) -> int:
    """The largest power of 2 not above 2·n/chunk (Hugging Face's _set_num_buckets, unfactorised)."""
    target = max(1, 2 * (seq_len // chunk))
    return 2 ** (target.bit_length() - 1)


def _adjacent(t: torch.Tensor, chunks: int) -> torch.Tensor:
    """[B, H, C, c, ...] -> each chunk's keys [B, H, C, 2c, ...]: the previous chunk (cyclic), then its own."""
    if chunks == 1:
        return t
    return torch.cat([torch.roll(t, shifts=1, dims=2), t], dim=3)


class ReformerAttention(nn.Module):
    """Multi-head LSH attention: parameters qk, v, out and the buffer `rotations`."""

    def __init__(self, config: ModelConfig):
        super().__init__()
        d = config.dModel
        self.heads = config.heads
        self.rounds = config.reformerHashes
        self.chunk = config.reformerChunk
        self.dropout_rate = config.attentionDropout
        if config.seqLen % self.chunk != 0:
            raise ValueError(f"Reformer: seqLen {config.seqLen} is not a multiple of the chunk length {self.chunk}")
        self.half = max(1, reformer_buckets(config.seqLen, self.chunk) // 2)
        self.qk = nn.Linear(d, d)
        self.v = nn.Linear(d, d)
        self.out = nn.Linear(d, d)
        self.register_buffer("rotations", torch.randn(self.heads, d // self.heads, self.rounds * self.half))

    def forward(self, x: torch.Tensor, mask: torch.Tensor, plan: DropoutPlan, prefix: str,
                want_views: bool = False) -> Tuple[torch.Tensor, Dict[str, Any]]:
        """x [B, n, d], mask [B, n] -> (out [B, n, d], aux with 'views' when asked)."""
        qk = split_heads(self.qk(x), self.heads)
        v = split_heads(self.v(x), self.heads)
        bsz, heads, n, dh = qk.shape
        r, c, half = self.rounds, self.chunk, self.half
        chunks = r * n // c
        drawn = plan.masks is None and plan.training
        rotations = torch.randn_like(self.rotations) if drawn else self.rotations
        with torch.no_grad():
            rotated = torch.einsum("bhtd,hdw->bhtw", qk.detach(), rotations.to(qk.dtype)).reshape(bsz, heads, n, r, half)
            buckets = torch.argmax(torch.cat([rotated, -rotated], dim=-1), dim=-1).permute(0, 1, 3, 2)  # [B, H, r, n]
            # Padded tokens in a bucket of their own, sorted after every real one (ours, as the TypeScript side).
            buckets = torch.where(mask[:, None, None, :] > 0, buckets, torch.full_like(buckets, 2 * half))
            positions = torch.arange(n, device=x.device)
            order = torch.argsort(buckets * n + positions, dim=-1)  # keys are distinct: a stable order by (bucket, position)
            undo = torch.argsort(order, dim=-1)
        tokens = order.reshape(bsz, heads, r * n)

        def sort(t: torch.Tensor) -> torch.Tensor:
            return torch.gather(t, 2, tokens[..., None].expand(-1, -1, -1, t.shape[-1]))

        qs = sort(qk)
        ks = qs / torch.sqrt((qs ** 2).mean(-1, keepdim=True) + 1e-6) / math.sqrt(dh)
        vs = sort(v)
        queries = qs.reshape(bsz, heads, chunks, c, dh)
        keys = _adjacent(ks.reshape(bsz, heads, chunks, c, dh), chunks)
        values = _adjacent(vs.reshape(bsz, heads, chunks, c, dh), chunks)
        q_tok = tokens.reshape(bsz, heads, chunks, c)
        k_tok = _adjacent(q_tok[..., None], chunks)[..., 0]  # [B, H, C, width]
        width = k_tok.shape[-1]
        valid = torch.gather(mask[:, None, :].expand(bsz, heads, n), 2, k_tok.reshape(bsz, heads, -1)).reshape(bsz, heads, chunks, 1, width)
        dots = queries @ keys.transpose(-1, -2)  # [B, H, C, c, width]
        dots = torch.where(valid > 0, dots, torch.full_like(dots, PAD_SCORE))
        own = q_tok[..., :, None] == k_tok[..., None, :]
        dots = torch.where(own, torch.full_like(dots, SELF_SCORE), dots)
        lse = torch.logsumexp(dots, dim=-1, keepdim=True)
        probs = torch.exp(dots - lse)
        dropped = plan.elementwise(prefix + "dropout", probs.reshape(bsz * heads, chunks, c, width), self.dropout_rate)
        chunked = (dropped.reshape(bsz, heads, chunks, c, width) @ values).reshape(bsz, heads, r, n, dh)
        back = undo[..., None]
        out_rounds = torch.gather(chunked, 3, back.expand(-1, -1, -1, -1, dh))  # [B, H, r, n, d_h]
        lse_rounds = torch.gather(lse.reshape(bsz, heads, r, n), 3, undo)  # [B, H, r, n]
        weights = torch.softmax(lse_rounds, dim=2)
        heads_out = (out_rounds * weights[..., None]).sum(dim=2)
        aux: Dict[str, Any] = {"contrastive": None}
        if want_views:
            implied = _implied_attention(probs.reshape(bsz, heads, r * n, width), tokens, k_tok, weights, order, c)
            aux["views"] = {"lsh_buckets": buckets.to(qk.dtype).detach(), "attention_implied": implied.detach()}
        return self.out(merge_heads(heads_out)), aux


def _implied_attention(probs: torch.Tensor, tokens: torch.Tensor, key_tokens: torch.Tensor, weights: torch.Tensor,
                       order: torch.Tensor, chunk: int) -> torch.Tensor:
    """The n×n attention the layer implies [B, H, n, n]: A[i, j] = Σ_r w_r(i) Σ_k p_r(i, k)·[key k is token j].

    probs [B, H, r·n, width] (sorted queries), tokens [B, H, r·n] (the token of each sorted slot),
    key_tokens [B, H, chunks, width], weights [B, H, r, n] (token order), order [B, H, r, n].
    """
    bsz, heads, slots, width = probs.shape
    n = order.shape[-1]
    keys = key_tokens.repeat_interleave(chunk, dim=2)  # [B, H, r·n, width]: each sorted query's key tokens
    w_sorted = torch.gather(weights, 3, order).reshape(bsz, heads, slots, 1)
    rows = torch.zeros(bsz, heads, slots, n, dtype=probs.dtype)
    rows.scatter_add_(-1, keys, probs * w_sorted)
    implied = torch.zeros(bsz, heads, n, n, dtype=probs.dtype)
    implied.scatter_add_(2, tokens[..., None].expand(-1, -1, -1, n), rows)
    return implied
