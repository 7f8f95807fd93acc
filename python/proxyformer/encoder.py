"""The LRA encoder around the attention (docs/models.md "The encoder").

    x = Drop(E_tok[tokens] + E_pos[0..n−1])                        (N(0, 0.02) init)
    per layer: x = x + Drop(Attn(LN1(x)));  x = x + Drop(fc2(Drop(GELU(fc1(LN2(x))))))
    x = LN(x); pooled = masked mean over valid tokens ('masked-mean') or, as the reference
    code, padded rows zeroed and the sum divided by n ('mean-all');
    logits = fc2(ReLU(fc1(pooled)))  or, two-tower, fc1 reads [x1, x2, x1*x2, x1−x2].
GELU is the exact erf form and LayerNorm uses eps 1e-5 (PyTorch defaults).
Parameter names are the state_dict keys of docs/model-contract.md.
"""
from __future__ import annotations

from typing import Any, Dict, List, Optional

import torch
import torch.nn as nn
import torch.nn.functional as F

from .attention_linear import LinearAttention
from .attention_bigbird import BigBirdAttention
from .attention_reformer import ReformerAttention
from .attention_linformer import LinformerAttention, new_projection
from .attention_nystrom import NystromAttention
from .attention_performer import PerformerAttention
from .attention_proxy import ProxyAttention
from .attention_softmax import SoftmaxAttention
from .config import ModelConfig
from .dropout import DropoutPlan
from .losses import task_loss

EMBED_INIT_STD = 0.02
ATTENTION_CLASSES = {"softmax": SoftmaxAttention, "nystrom": NystromAttention, "proxy": ProxyAttention,
                     "linformer": LinformerAttention, "performer": PerformerAttention,
                     "linear": LinearAttention, "bigbird": BigBirdAttention,
                     "reformer": ReformerAttention}


class Embeddings(nn.Module):
    """Token embedding plus learned absolute positions (`tokens`, `positions`)."""

    def __init__(self, config: ModelConfig):
        super().__init__()
        self.tokens = nn.Embedding(config.vocabSize, config.dModel)
        self.positions = nn.Embedding(config.seqLen, config.dModel)
        nn.init.normal_(self.tokens.weight, std=EMBED_INIT_STD)
        nn.init.normal_(self.positions.weight, std=EMBED_INIT_STD)

    def forward(self, tokens: torch.Tensor) -> torch.Tensor:
        """tokens [B, n] -> [B, n, d]."""
        positions = torch.arange(tokens.shape[1], device=tokens.device)
        return self.tokens(tokens) + self.positions(positions)[None]


class FeedForward(nn.Module):
    """fc2(Drop(GELU(fc1(x)))) with the dropout sites dropout1 (after GELU)."""

    def __init__(self, config: ModelConfig):
        super().__init__()
        self.fc1 = nn.Linear(config.dModel, config.ffn)
        self.fc2 = nn.Linear(config.ffn, config.dModel)
        self.rate = config.dropout

    def forward(self, x: torch.Tensor, plan: DropoutPlan, prefix: str) -> torch.Tensor:
        """x [B, n, d] -> [B, n, d] (before the residual dropout2)."""
        hidden = plan.elementwise(prefix + "dropout1", F.gelu(self.fc1(x)), self.rate)
        return self.fc2(hidden)


class Block(nn.Module):
    """Pre-LayerNorm block: norm1, attn, norm2, ffn."""

    def __init__(self, config: ModelConfig):
        super().__init__()
        self.norm1 = nn.LayerNorm(config.dModel)
        self.attn = ATTENTION_CLASSES[config.attention](config)
        self.norm2 = nn.LayerNorm(config.dModel)
        self.ffn = FeedForward(config)
        self.rate = config.dropout

    def forward(self, x: torch.Tensor, mask: torch.Tensor, plan: DropoutPlan, prefix: str,
                want_views: bool, shared_e: Optional[torch.Tensor] = None) -> tuple:
        """x [B, n, d] -> (x [B, n, d], attention aux); shared_e: the model's shared Linformer E."""
        extra = {"shared_e": shared_e} if shared_e is not None else {}
        attended, aux = self.attn(self.norm1(x), mask, plan, prefix + "attn.", want_views, **extra)
        x = x + plan.elementwise(prefix + "attn.out_dropout", attended, self.rate)
        x = x + plan.elementwise(prefix + "ffn.dropout2", self.ffn(self.norm2(x), plan, prefix + "ffn."), self.rate)
        return x, aux


class ClassifierHead(nn.Module):
    """fc2(ReLU(fc1(features))), fc1 reading d or 4d features."""

    def __init__(self, config: ModelConfig):
        super().__init__()
        width = 4 * config.dModel if config.twoTower else config.dModel
        self.fc1 = nn.Linear(width, config.ffn)
        self.fc2 = nn.Linear(config.ffn, config.numClasses)

    def forward(self, features: torch.Tensor) -> torch.Tensor:
        """[B, d or 4d] -> logits [B, classes]."""
        return self.fc2(F.relu(self.fc1(features)))


def mask_names(config: ModelConfig) -> List[str]:
    """Every explicit dropout mask name this config accepts (docs/model-contract.md)."""
    names = ["embed.dropout"]
    for i in range(config.layers):
        names.append(f"layers.{i}.attn.out_dropout")
        if config.attention in ("softmax", "bigbird", "reformer"):
            names.append(f"layers.{i}.attn.dropout")
        if config.attention == "bigbird" and config.seqLen // config.bigbirdBlock > 2:
            names.append(f"layers.{i}.attn.dropout_blocks")
        if config.attention == "proxy" and config.decomposedDropout != "off":
            names.append(f"layers.{i}.attn.columns")
        names += [f"layers.{i}.ffn.dropout1", f"layers.{i}.ffn.dropout2"]
    if config.twoTower:
        names += [name + "@2" for name in names]
    return names


class LraModel(nn.Module):
    """The whole classifier: embed, layers, norm, head (one shared encoder for two towers).

    forward(batch, masks=None, return_views=False) -> dict with
      logits [B, classes]; task_loss (mean CE, None without labels); contrastive_loss
      (unweighted mean over towers, layers, heads and samples; 0 unless proxy);
      loss = task_loss + λ·contrastive_loss (None without labels); views (per tower, a list
      per layer of detached tensors) when asked.
    `masks`: see dropout.py — a dict of explicit masks by contract name (missing = no
    dropout), or None for normal train()/eval() behaviour.
    """

    def __init__(self, config: ModelConfig):
        super().__init__()
        self.config = config
        self.embed = Embeddings(config)
        # Linformer 'shared': one E for every layer, a parameter of the model (`linformer_e`).
        shared = config.attention == "linformer" and config.linformerSharing == "shared"
        self.linformer_e = new_projection(config) if shared else None
        self.layers = nn.ModuleList([Block(config) for _ in range(config.layers)])
        self.norm = nn.LayerNorm(config.dModel)
        self.head = ClassifierHead(config)

    def _check_inputs(self, tokens: torch.Tensor, mask: torch.Tensor, which: str) -> None:
        cfg = self.config
        if tokens.dim() != 2:
            raise ValueError(f"{which} must be [B, n], got shape {list(tokens.shape)}")
        if tuple(mask.shape) != tuple(tokens.shape):
            raise ValueError(f"mask of {which} has shape {list(mask.shape)}, expected {list(tokens.shape)}")
        if not bool(((mask == 0) | (mask == 1)).all()):
            raise ValueError(f"mask of {which} must hold only 0 (padding) and 1 (valid)")
        n = tokens.shape[1]
        if n > cfg.seqLen:
            raise ValueError(f"{which} has length {n}, more than seqLen {cfg.seqLen}")
        if cfg.attention == "linformer" and n != cfg.seqLen:
            raise ValueError(f"{which} has length {n}; Linformer's E has one column per position, so "
                             f"inputs must have exactly seqLen {cfg.seqLen} tokens (pad them)")
        if cfg.needs_segments and n % cfg.landmarks != 0:
            raise ValueError(f"{which} has length {n}, not a multiple of landmarks {cfg.landmarks}")
        if tokens.numel() and (int(tokens.min()) < 0 or int(tokens.max()) >= cfg.vocabSize):
            raise ValueError(f"{which} ids must lie in [0, {cfg.vocabSize}), got "
                             f"[{int(tokens.min())}, {int(tokens.max())}]")

    def encode(self, tokens: torch.Tensor, mask: torch.Tensor, plan: DropoutPlan,
               want_views: bool) -> tuple:
        """One tower: tokens [B, n], mask [B, n] -> (pooled [B, d], contrastive [B, L, H] or None, views)."""
        x = plan.elementwise("embed.dropout", self.embed(tokens), self.config.dropout)
        contrastive, views = [], []
        for i, block in enumerate(self.layers):
            x, aux = block(x, mask, plan, f"layers.{i}.", want_views, self.linformer_e)
            if aux["contrastive"] is not None:
                contrastive.append(aux["contrastive"])
            if want_views:
                views.append(aux["views"])
        x = self.norm(x)
        if self.config.pooling == "masked-mean":
            count = mask.sum(dim=1, keepdim=True).clamp(min=1.0)
            pooled = (x * mask[:, :, None]).sum(dim=1) / count
        else:  # 'mean-all': the reference code zeroes padded rows, then averages over all n
            pooled = (x * mask[:, :, None]).mean(dim=1)
        con = torch.stack(contrastive, dim=1) if contrastive else None
        return pooled, con, views

    def forward(self, batch: Dict[str, torch.Tensor], masks: Optional[Dict[str, torch.Tensor]] = None,
                return_views: bool = False) -> Dict[str, Any]:
        """Logits and losses for a batch dict: tokens, mask, labels (optional), tokens2/mask2."""
        cfg = self.config
        if masks is not None:
            allowed = set(mask_names(cfg))
            unknown = sorted(set(masks) - allowed)
            if unknown:
                raise ValueError(f"unknown mask name(s) {', '.join(unknown)} for this config; "
                                 f"allowed: {', '.join(mask_names(cfg))}")
        towers = [("tokens", "mask", "")] + ([("tokens2", "mask2", "@2")] if cfg.twoTower else [])
        pooled, con, views = [], [], []
        dtype = self.norm.weight.dtype
        for tokens_key, mask_key, suffix in towers:
            if tokens_key not in batch:
                raise ValueError(f"batch lacks {tokens_key!r} (twoTower is {cfg.twoTower})")
            tokens = batch[tokens_key].long()
            mask = batch[mask_key].to(dtype) if mask_key in batch else (tokens != 0).to(dtype)
            self._check_inputs(tokens, mask, tokens_key)
            plan = DropoutPlan(masks, self.training, suffix)
            p, c, v = self.encode(tokens, mask, plan, return_views)
            pooled.append(p)
            views.append(v)
            if c is not None:
                con.append(c)
        if cfg.twoTower:
            x1, x2 = pooled
            features = torch.cat([x1, x2, x1 * x2, x1 - x2], dim=-1)
        else:
            features = pooled[0]
        logits = self.head(features)
        contrastive = torch.stack(con).mean() if con else logits.new_zeros(())
        out: Dict[str, Any] = {"logits": logits, "contrastive_loss": contrastive,
                               "task_loss": None, "loss": None}
        if "labels" in batch:
            out["task_loss"] = task_loss(logits, batch["labels"])
            out["loss"] = out["task_loss"] + cfg.contrastiveWeight * contrastive
        if return_views:
            out["views"] = views
        return out


def load_weights(model: LraModel, weights: Dict[str, torch.Tensor]) -> None:
    """Copy named tensors into the model, refusing missing, extra or mis-shaped ones."""
    expected = model.state_dict()
    missing = sorted(set(expected) - set(weights))
    extra = sorted(set(weights) - set(expected))
    if missing or extra:
        raise ValueError(f"weights do not match the config: missing {missing or 'none'}, "
                         f"unexpected {extra or 'none'}")
    for name, tensor in weights.items():
        if tuple(tensor.shape) != tuple(expected[name].shape):
            raise ValueError(f"weight {name} has shape {list(tensor.shape)}, expected {list(expected[name].shape)}")
    model.load_state_dict({k: v.to(expected[k].dtype) for k, v in weights.items()})
