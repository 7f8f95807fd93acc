"""Parity command line for the TypeScript tests: one forward + backward in float64.

    PYTHONPATH=python /usr/bin/python3 -m proxyformer.parity --dir D [--views]

Reads D/config.json (the camelCase model config), D/weights.safetensors (every state_dict
entry by name: the parameters and Performer's `features` buffer, which is loaded, not
trained), D/batch.safetensors (tokens, mask, labels; tokens2, mask2 for two towers; explicit
dropout masks as `mask.<contract mask name>`). Builds the model in float64,
loads the weights (strict: every name present, no extra, shapes equal), runs forward with
exactly the given masks (a missing mask = no dropout there, so a `columns` mask turns on
decomposed dropout and nothing else is drawn), backward of `loss`, and writes
D/out.safetensors (F64): logits, task_loss, contrastive_loss, loss, grad.<param name> for every
parameter (buffers have none), and with --views the views of tower 1 as view.layers.<i>.<name>.
See python/README.md.
"""
from __future__ import annotations

import argparse
import os
import sys
from typing import Dict

import torch

from . import safetensors_io
from .config import ModelConfig
from .encoder import LraModel, load_weights

MASK_PREFIX = "mask."
BATCH_KEYS = ("tokens", "mask", "labels", "tokens2", "mask2")


def split_batch(arrays: Dict[str, torch.Tensor]):
    """batch.safetensors contents -> (batch dict, explicit masks dict)."""
    batch, masks = {}, {}
    for name, tensor in arrays.items():
        if name.startswith(MASK_PREFIX):
            masks[name[len(MASK_PREFIX):]] = tensor
        elif name in BATCH_KEYS:
            batch[name] = tensor
        else:
            raise ValueError(f"batch tensor {name!r} is neither one of {', '.join(BATCH_KEYS)} "
                             f"nor a '{MASK_PREFIX}<mask name>'")
    if "labels" not in batch:
        raise ValueError("batch.safetensors lacks 'labels' (the parity run needs the loss)")
    return batch, masks


def run(directory: str, with_views: bool = False) -> Dict[str, torch.Tensor]:
    """Do the parity run for one directory and write out.safetensors; returns its tensors."""
    with open(os.path.join(directory, "config.json"), encoding="utf-8") as f:
        config = ModelConfig.from_json(f.read())
    torch.manual_seed(0)  # the init is overwritten; this only makes failures reproducible
    model = LraModel(config).to(torch.float64)
    weights, _ = safetensors_io.load(os.path.join(directory, "weights.safetensors"))
    load_weights(model, safetensors_io.to_torch(weights, torch.float64))
    arrays, _ = safetensors_io.load(os.path.join(directory, "batch.safetensors"))
    batch, masks = split_batch(safetensors_io.to_torch(arrays, torch.float64))
    model.eval()  # explicit masks decide every dropout (dropout.py)
    result = model(batch, masks=masks, return_views=with_views)
    result["loss"].backward()
    out = {name: result[name].detach() for name in ("logits", "task_loss", "contrastive_loss", "loss")}
    for name, param in model.named_parameters():
        out["grad." + name] = param.grad.detach() if param.grad is not None else torch.zeros_like(param)
    if with_views:
        for i, layer_views in enumerate(result["views"][0]):
            for key, tensor in layer_views.items():
                if tensor is not None:
                    out[f"view.layers.{i}.{key}"] = tensor
    out = {k: v.to(torch.float64) for k, v in out.items()}
    safetensors_io.save(os.path.join(directory, "out.safetensors"), out)
    return out


def main(argv=None) -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(prog="python -m proxyformer.parity", description=__doc__.split("\n")[0])
    parser.add_argument("--dir", required=True, help="folder with config.json, weights.safetensors, batch.safetensors")
    parser.add_argument("--views", action="store_true", help="also write view.layers.<i>.<name> tensors")
    args = parser.parse_args(argv)
    try:
        run(args.dir, args.views)
    except (ValueError, OSError) as err:
        print(f"parity: {err}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
