"""Tiny training sanity run: each variant should lower the loss well below chance on a toy task.

    PYTHONPATH=python /usr/bin/python3 -m proxyformer.toy_train [--steps 200] [--device cuda]
        [--variant softmax|nystrom|proxy|proxy-none|proxy-mean|proxy-segment|proxy-per-head|
                   linformer|performer|performer-softmax|linear|all]

Toy task ("majority"): sequences of ids 1..3 with a padded tail of random length; the label
is the id that occurs most often among the valid tokens (ties go to the smaller id). Chance
cross-entropy is ln 3 ≈ 1.099. Prints, per variant, the loss of the first and last 20 steps
and the accuracy on fresh batches; exits 1 if a variant does not end below 0.5·ln 3.
"""
from __future__ import annotations

import argparse
import math
import sys
import time
from typing import Dict

import torch

from .config import ModelConfig
from .encoder import LraModel

CLASSES = 3
VARIANTS: Dict[str, Dict[str, object]] = {
    "softmax": {"attention": "softmax"},
    "nystrom": {"attention": "nystrom"},
    "proxy": {"attention": "proxy"},
    "proxy-none": {"attention": "proxy", "injection": "none", "decomposedDropout": "z-columns"},
    "proxy-mean": {"attention": "proxy", "injection": "mean", "contrastive": "uniformity"},
    "proxy-segment": {"attention": "proxy", "injection": "segment"},
    "proxy-per-head": {"attention": "proxy", "proxyParam": "per-head"},
    "linformer": {"attention": "linformer", "linformerK": 8},
    "performer": {"attention": "performer", "performerFeatures": 32},
    "performer-softmax": {"attention": "performer", "performerFeatures": 32, "performerKernel": "softmax"},
    "linear": {"attention": "linear"},
}


def tiny_config(seq_len: int, **changes) -> ModelConfig:
    """The tiny preset: 2 layers, d 32, 2 heads, ffn 64, 8 landmarks, conv 3."""
    return ModelConfig(vocabSize=CLASSES + 1, numClasses=CLASSES, seqLen=seq_len, layers=2, dModel=32,
                       heads=2, ffn=64, landmarks=8, convKernel=3, **changes)


def majority_batch(batch: int, seq_len: int, generator: torch.Generator, device: torch.device) -> dict:
    """Random ids 1..3 with a padded tail; label = most frequent valid id (smallest on ties)."""
    tokens = torch.randint(1, CLASSES + 1, (batch, seq_len), generator=generator)
    lengths = torch.randint(seq_len // 2, seq_len + 1, (batch,), generator=generator)
    mask = (torch.arange(seq_len)[None, :] < lengths[:, None]).float()
    tokens = tokens * mask.long()
    counts = torch.stack([(tokens == c).sum(1) for c in range(1, CLASSES + 1)], dim=1)
    labels = counts.argmax(dim=1)  # first maximum = smallest id on ties
    return {"tokens": tokens.to(device), "mask": mask.to(device), "labels": labels.to(device)}


def train_variant(name: str, steps: int, batch: int, seq_len: int, lr: float, device: torch.device,
                  seed: int = 0) -> Dict[str, float]:
    """Train one variant; returns first/last mean loss and held-out accuracy."""
    torch.manual_seed(seed)
    model = LraModel(tiny_config(seq_len, **VARIANTS[name])).to(device)
    optimizer = torch.optim.AdamW(model.parameters(), lr=lr, eps=1e-6, weight_decay=0.0)
    data = torch.Generator().manual_seed(seed)
    losses = []
    model.train()
    for _ in range(steps):
        out = model(majority_batch(batch, seq_len, data, device))
        optimizer.zero_grad(set_to_none=True)
        out["loss"].backward()
        optimizer.step()
        losses.append(float(out["task_loss"]))
    model.eval()
    with torch.no_grad():
        test = majority_batch(512, seq_len, torch.Generator().manual_seed(seed + 1), device)
        accuracy = float((model(test)["logits"].argmax(1) == test["labels"]).float().mean())
    window = min(20, steps)
    return {"first": sum(losses[:window]) / window, "last": sum(losses[-window:]) / window,
            "accuracy": accuracy}


def main(argv=None) -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(prog="python -m proxyformer.toy_train")
    parser.add_argument("--steps", type=int, default=300)
    parser.add_argument("--batch", type=int, default=32)
    parser.add_argument("--seq-len", type=int, default=32)
    parser.add_argument("--lr", type=float, default=3e-3)
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--variant", default="all", choices=["all", *VARIANTS])
    args = parser.parse_args(argv)
    device = torch.device(args.device)
    names = list(VARIANTS) if args.variant == "all" else [args.variant]
    chance = math.log(CLASSES)
    failed = []
    for name in names:
        start = time.perf_counter()
        r = train_variant(name, args.steps, args.batch, args.seq_len, args.lr, device)
        ok = r["last"] < 0.5 * chance
        failed += [] if ok else [name]
        print(f"{name:15s} loss {r['first']:.3f} -> {r['last']:.3f} (chance {chance:.3f}), "
              f"accuracy {r['accuracy']:.3f}, {time.perf_counter() - start:.1f} s on {device}"
              f"{'' if ok else '  NOT below half of chance'}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
