"""Tiny configs, batches and masks shared by the tests."""
from __future__ import annotations

import os
import sys
from typing import Dict

import torch

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))

from proxyformer.config import ModelConfig  # noqa: E402
from proxyformer.encoder import LraModel, mask_names  # noqa: E402

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
PYTHON = "/usr/bin/python3"

# Every Proxyformer switch appears in at least one of these (docs/models.md "The switches and their provenance").
VARIANTS: Dict[str, Dict[str, object]] = {
    "softmax": {"attention": "softmax"},
    "nystrom-global": {"attention": "nystrom", "pinvInit": "global"},
    "nystrom-per-matrix": {"attention": "nystrom", "pinvInit": "per-matrix"},
    "proxy-attend-infonce-k2": {"attention": "proxy"},
    "proxy-mean-uniformity-z": {"attention": "proxy", "injection": "mean", "contrastive": "uniformity",
                                "decomposedDropout": "z-columns"},
    "proxy-segment-off": {"attention": "proxy", "injection": "segment", "decomposedDropout": "off"},
    "proxy-none-global": {"attention": "proxy", "injection": "none", "pinvInit": "global"},
    "proxy-perhead-attend": {"attention": "proxy", "proxyParam": "per-head"},
    "proxy-orthogonal": {"attention": "proxy", "proxyInit": "orthogonal"},
    "proxy-perhead-orthogonal": {"attention": "proxy", "proxyParam": "per-head", "proxyInit": "orthogonal",
                                 "injection": "attend-centred"},
    "proxy-centred": {"attention": "proxy", "injection": "attend-centred", "decomposedDropout": "z-columns"},
    "proxy-perhead-mean": {"attention": "proxy", "proxyParam": "per-head", "injection": "mean"},
    "proxy-perhead-segment": {"attention": "proxy", "proxyParam": "per-head", "injection": "segment",
                              "contrastive": "uniformity"},
    "proxy-perhead-none": {"attention": "proxy", "proxyParam": "per-head", "injection": "none",
                           "decomposedDropout": "z-columns", "convKernel": 0},
    # The LRA baselines (docs/model-contract.md, "Projection and kernel baselines").
    "linformer-shared": {"attention": "linformer", "linformerK": 4},
    "linformer-per-layer": {"attention": "linformer", "linformerK": 5, "linformerSharing": "per-layer"},
    "performer-relu": {"attention": "performer", "performerFeatures": 6},
    "performer-softmax": {"attention": "performer", "performerFeatures": 6, "performerKernel": "softmax"},
    "linear": {"attention": "linear"},
    # BigBird with 8 blocks of 1 token: global, window and random blocks all present.
    "bigbird": {"attention": "bigbird", "bigbirdBlock": 1, "bigbirdRandom": 2},
    # Reformer with 2 rounds of 4 chunks of 2 tokens (8 buckets): look-back across rounds too.
    "reformer": {"attention": "reformer", "reformerHashes": 2, "reformerChunk": 2},
}

# Variants whose backward is, by the contract, not the derivative of the forward: Performer's
# softmax kernel detaches its max stabiliser. test_performer.py checks that gradient instead.
DETACHED_GRADIENT_VARIANTS = ("performer-softmax",)


def tiny_config(**changes) -> ModelConfig:
    """1–2 layer model small enough for gradcheck: n 8, m 4, d 8, 2 heads, conv 3."""
    base = dict(vocabSize=6, numClasses=3, seqLen=8, layers=1, dModel=8, heads=2, ffn=6,
                landmarks=4, convKernel=3, pinvIterations=3)
    base.update(changes)
    return ModelConfig(**base)


def tiny_batch(config: ModelConfig, batch: int = 2, seed: int = 0) -> Dict[str, torch.Tensor]:
    """Random tokens with a padded tail on the second example (and a second tower if needed)."""
    g = torch.Generator().manual_seed(seed)
    out = {}
    for suffix in ("", "2") if config.twoTower else ("",):
        tokens = torch.randint(1, config.vocabSize, (batch, config.seqLen), generator=g)
        mask = torch.ones(batch, config.seqLen)
        mask[-1, config.seqLen - 3:] = 0
        out["tokens" + suffix] = tokens * mask.long()
        out["mask" + suffix] = mask
    out["labels"] = torch.randint(0, config.numClasses, (batch,), generator=g)
    return out


def mask_shape(config: ModelConfig, name: str, batch: int):
    """Shape of an explicit mask by contract name."""
    n, d, h, m = config.seqLen, config.dModel, config.heads, config.landmarks
    site = name.split("@")[0].split(".")[-1]
    if config.attention == "bigbird" and site in ("dropout", "dropout_blocks") and not name.startswith("embed"):
        b, nb = config.bigbirdBlock, n // config.bigbirdBlock
        if site == "dropout":
            return [batch, h, n if nb <= 2 else 2 * b, n]
        return [batch * h, nb - 2, b, (5 + config.bigbirdRandom) * b]
    if config.attention == "reformer" and site == "dropout" and not name.startswith("embed"):
        c = config.reformerChunk
        chunks = config.reformerHashes * n // c
        return [batch * h, chunks, c, c if chunks == 1 else 2 * c]
    return {"dropout": [batch, n, d] if name.startswith("embed") else [batch, h, n, n],
            "out_dropout": [batch, n, d], "columns": [batch, h, m], "dropout1": [batch, n, config.ffn],
            "dropout2": [batch, n, d]}[site]


def random_masks(config: ModelConfig, batch: int = 2, p: float = 0.25, seed: int = 1,
                 dtype=torch.float64) -> Dict[str, torch.Tensor]:
    """One explicit mask for every site of the config: 0 or 1/(1−p), 0/1 for columns."""
    g = torch.Generator().manual_seed(seed)
    masks = {}
    for name in mask_names(config):
        keep = (torch.rand(mask_shape(config, name, batch), generator=g) >= p).to(dtype)
        if ".columns" in name:
            keep[..., 0] = 1  # never drop every column
            masks[name] = keep
        else:
            masks[name] = keep / (1 - p)
    return masks


def build(config: ModelConfig, seed: int = 0, dtype=torch.float64) -> LraModel:
    """A model with seeded init in the given dtype."""
    torch.manual_seed(seed)
    return LraModel(config).to(dtype)
