"""Proxyformer attention (Lee, Lee & Shin, AAAI 2024; docs/models.md "Proxyformer").

The paper's words (docs/models.md "What the paper states"): the Nyström landmarks are trainable
"proxy tokens"; an input-injection module makes them input-aware; a contrastive loss with
temperature 0.07 keeps them from being redundant; "decomposed dropout" drops columns of K2.
Everything below that is a formula is OUR RECONSTRUCTION (docs/models.md "The switches and their provenance",
docs/model-contract.md):

- proxyParam 'projected' (default): per layer P ∈ R^{m×d}; Q̃ = q(P_in), K̃ = k(P_in) with the
  layer's own Linear projections (bias included), split into heads.
  'per-head': parameters proxy_q, proxy_k ∈ R^{H×m×d_h} used directly as Q̃, K̃.
- proxyInit 'normal': N(0, 0.02) entries; 'orthogonal' (ours): semi-orthogonal rows with mean
  squared entry 1, and with 'per-head' proxy_k starts equal to proxy_q.
- injection 'attend' (default): P_in = P + Concat_h(softmax(s·q(P)_h K_hᵀ + keymask) V_h);
  'mean': P_in = P + inject(maskedmean(X)); 'segment': P_in = P + SegMean_m(X·mask);
  'attend-centred' (ours): the 'attend' read-out minus its mean over the m proxies;
  'none': P_in = P (K2 and Z do not depend on the input).
  With 'per-head' the same read-out is added to both proxy_q and proxy_k of a head
  ('attend': softmax(s·proxy_q K_hᵀ + keymask) V_h; 'segment': SegMean of the masked Q, K
  of that head; 'mean': inject(maskedmean(X)) split into heads).
- decomposed dropout: a keep mask r ∈ {0,1}^m per sample and head (no rescale), on the
  columns of K2 before the pseudo-inverse ('k2-columns') or of Z after it ('z-columns').
- contrastive loss on each sample's Q̃, K̃ per head (losses.py), returned per [B, H].
Then the Nyström product of attention_nystrom.py. Unlike Nyströmformer, Q is not multiplied
by the mask (no segment means of Q are taken; padded query rows never reach a valid
output), and n need not be a multiple of m except for 'segment' injection.
"""
from __future__ import annotations

import math
from typing import Any, Dict, Tuple

import torch
import torch.nn as nn

from .attention_nystrom import ConvSkip, nystrom_product
from .common import key_mask_bias, masked_mean, merge_heads, segment_means, split_heads
from .config import ModelConfig
from .dropout import DropoutPlan
from .losses import contrastive_loss

PROXY_INIT_STD = 0.02


def orthogonal_init(blocks: int, rows: int, cols: int) -> torch.Tensor:
    """proxyInit 'orthogonal' (ours): `blocks` semi-orthogonal rows×cols matrices with mean squared
    entry 1 — orthonormal rows times √cols when rows <= cols, orthonormal columns times √rows
    otherwise (torch.nn.init.orthogonal_'s shape rule), as src/model/init.ts draws them."""
    out = torch.empty(blocks, rows, cols)
    for block in out:
        nn.init.orthogonal_(block)
    return out * math.sqrt(max(rows, cols))


class ProxyAttention(nn.Module):
    """Multi-head Proxyformer attention: q, k, v, out, conv, and proxies or proxy_q/proxy_k
    (plus inject for 'mean' injection)."""

    def __init__(self, config: ModelConfig):
        super().__init__()
        d, heads, m = config.dModel, config.heads, config.landmarks
        self.config = config
        self.q = nn.Linear(d, d)
        self.k = nn.Linear(d, d)
        self.v = nn.Linear(d, d)
        self.out = nn.Linear(d, d)
        self.conv = ConvSkip(heads, config.convKernel) if config.convKernel > 0 else None
        orthogonal = config.proxyInit == "orthogonal"
        if config.proxyParam == "projected":
            self.proxies = nn.Parameter(orthogonal_init(1, m, d)[0] if orthogonal else torch.randn(m, d) * PROXY_INIT_STD)
        elif orthogonal:
            # Tied start: K̃ = Q̃, so K2's logits are ‖p_i‖²/√d_h on the diagonal and (near) 0 off it.
            start = orthogonal_init(heads, m, d // heads)
            self.proxy_q = nn.Parameter(start)
            self.proxy_k = nn.Parameter(start.clone())
        else:
            self.proxy_q = nn.Parameter(torch.randn(heads, m, d // heads) * PROXY_INIT_STD)
            self.proxy_k = nn.Parameter(torch.randn(heads, m, d // heads) * PROXY_INIT_STD)
        self.inject = nn.Linear(d, d) if config.injection == "mean" else None

    def _read_input(self, proxy_q_heads: torch.Tensor, k: torch.Tensor, v: torch.Tensor,
                    mask: torch.Tensor) -> torch.Tensor:
        """'attend' read-out: softmax(s·P_q K_hᵀ + keymask) V_h, [B, H, m, d_h]."""
        scale = 1.0 / math.sqrt(k.shape[-1])
        weights = torch.softmax(scale * proxy_q_heads @ k.transpose(-1, -2) + key_mask_bias(mask), dim=-1)
        read = weights @ v
        if self.config.injection == "attend-centred":  # minus its mean over the m proxies
            read = read - read.mean(dim=-2, keepdim=True)
        return read

    def landmarks(self, x: torch.Tensor, mask: torch.Tensor, q: torch.Tensor, k: torch.Tensor,
                  v: torch.Tensor) -> Tuple[torch.Tensor, torch.Tensor]:
        """(Q̃, K̃), each [B, H, m, d_h] (or [1, H, m, d_h] with injection 'none')."""
        cfg = self.config
        heads, m = cfg.heads, cfg.landmarks
        if cfg.proxyParam == "projected":
            p = self.proxies[None]  # [1, m, d]
            if cfg.injection in ("attend", "attend-centred"):
                read = self._read_input(split_heads(self.q(p), heads), k, v, mask)
                p = p + merge_heads(read)
            elif cfg.injection == "mean":
                p = p + self.inject(masked_mean(x, mask))[:, None, :]
            elif cfg.injection == "segment":
                p = p + segment_means(x * mask[:, :, None], m)
            return split_heads(self.q(p), heads), split_heads(self.k(p), heads)
        pq, pk = self.proxy_q[None], self.proxy_k[None]  # [1, H, m, d_h]
        if cfg.injection in ("attend", "attend-centred"):
            read = self._read_input(pq, k, v, mask)
            return pq + read, pk + read
        if cfg.injection == "mean":
            shift = split_heads(self.inject(masked_mean(x, mask))[:, None, :], heads)  # [B, H, 1, d_h]
            return pq + shift, pk + shift
        if cfg.injection == "segment":
            keep = mask[:, None, :, None]
            return pq + segment_means(q * keep, m), pk + segment_means(k * keep, m)
        return pq, pk

    def forward(self, x: torch.Tensor, mask: torch.Tensor, plan: DropoutPlan, prefix: str,
                want_views: bool = False) -> Tuple[torch.Tensor, Dict[str, Any]]:
        """x [B, n, d], mask [B, n] -> (out [B, n, d], aux: 'contrastive' [B, H], 'views')."""
        cfg = self.config
        b = x.shape[0]
        q, k, v = (split_heads(f(x), cfg.heads) for f in (self.q, self.k, self.v))
        q_landmarks, k_landmarks = self.landmarks(x, mask, q, k, v)
        columns = None
        if cfg.decomposedDropout != "off":
            columns = plan.columns(prefix + "columns", (b, cfg.heads, cfg.landmarks),
                                   cfg.decomposedDropoutRate, like=q)
        heads_out, views = nystrom_product(q, k, v, q_landmarks, k_landmarks, mask,
                                           cfg.pinvIterations, cfg.pinvInit, columns=columns,
                                           placement=cfg.decomposedDropout, conv=self.conv,
                                           want_views=want_views)
        con = contrastive_loss(cfg.contrastive, q_landmarks, k_landmarks, cfg.contrastiveTemperature)
        aux: Dict[str, Any] = {"contrastive": con.expand(b, cfg.heads)}
        if want_views:
            views["columns"] = None if columns is None else columns.detach()
            aux["views"] = views
        return self.out(merge_heads(heads_out)), aux
