"""Load a run bundle and compute its logits for a batch: the check that a
bundle reproduces its logits outside the browser.

    PYTHONPATH=python /usr/bin/python3 -m proxyformer.bundle_logits --bundle run.zip \
        --batch batch.safetensors [--out logits.safetensors] [--float64] [--device cuda]

The batch file holds tokens [B, n] (and mask, tokens2, mask2 as in python/README.md).
Prints the logits as JSON (one list per example); --out also writes them as F64 `logits`.
The model runs in eval mode: no dropout.
"""
from __future__ import annotations

import argparse
import json
import sys

import torch

from . import safetensors_io
from .bundle import BundleError, load_model

BATCH_KEYS = ("tokens", "mask", "tokens2", "mask2", "labels")


def bundle_logits(bundle_path: str, batch_path: str, dtype: torch.dtype = torch.float32,
                  device: str = "cpu") -> torch.Tensor:
    """Logits [B, classes] of the bundle's model on the batch file."""
    model, _ = load_model(bundle_path, dtype, device)
    arrays, _ = safetensors_io.load(batch_path)
    batch = {k: v.to(device) for k, v in safetensors_io.to_torch(arrays, dtype).items() if k in BATCH_KEYS}
    with torch.no_grad():
        return model(batch)["logits"]


def main(argv=None) -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(prog="python -m proxyformer.bundle_logits")
    parser.add_argument("--bundle", required=True, help="run bundle zip")
    parser.add_argument("--batch", required=True, help="safetensors file with tokens (and mask, ...)")
    parser.add_argument("--out", help="write the logits here as F64 safetensors")
    parser.add_argument("--float64", action="store_true", help="compute in float64 (default float32)")
    parser.add_argument("--device", default="cpu")
    args = parser.parse_args(argv)
    try:
        logits = bundle_logits(args.bundle, args.batch, torch.float64 if args.float64 else torch.float32,
                               args.device)
    except (BundleError, safetensors_io.SafetensorsError, ValueError, OSError) as err:
        print(f"bundle_logits: {err}", file=sys.stderr)
        return 2
    logits = logits.cpu()
    if args.out:
        safetensors_io.save(args.out, {"logits": logits.to(torch.float64)})
    print(json.dumps(logits.tolist()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
