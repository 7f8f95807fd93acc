"""A prepared user dataset (.pfdata, written by the page or `npm run train -- --data FILE`) and the
logits of a bundle's model on it: the PyTorch side reads the same examples as the engine.

    PYTHONPATH=python /usr/bin/python3 -m proxyformer.user_data --data runs/<run>/dataset.pfdata \
        --bundle runs/<run>/bundle-best.zip [--split validation] [--count N] [--out logits.safetensors] [--float64]

File (docs/user-data.md, src/data/userData/format.ts): an 8-byte little-endian header length H,
H bytes of JSON (name, kind, classes, seqLen, sizes, ... and `sections`: name -> [start, end)
after the header), then labels (u16 LE), split (u8: 0 train, 1 validation, 2 test), and per
tower offsets (u32 LE, count + 1) and bytes. Token = byte + 1; 0 is padding. The dataset id is
the first 16 hex digits of the file's SHA-256; a run's config.json names it as `dataId`.

Examples are taken in file order within a split (the engine's batches shuffle by the data seed;
the order does not change any example's logits).
"""
from __future__ import annotations

import argparse
import hashlib
import json
import struct
import sys
from dataclasses import dataclass
from typing import Dict, List

import numpy as np
import torch

FORMAT = "proxyformer-playground/dataset@1"
SPLITS = ("train", "validation", "test")
KINDS = ("text", "pairs", "image")
MAX_HEADER_BYTES = 1 << 20


class DatasetError(ValueError):
    """A prepared dataset file that cannot be read; the message says what is wrong."""


@dataclass
class UserDataset:
    """The header, labels, split codes and per-tower inputs (bytes) of a prepared dataset."""

    id: str
    header: Dict[str, object]
    labels: np.ndarray
    split: np.ndarray
    inputs: List[List[bytes]]

    def indices(self, split: str) -> List[int]:
        """Example indices of a split, in file order."""
        code = SPLITS.index(split)
        return [i for i in range(len(self.labels)) if self.split[i] == code]

    def batch(self, indices: List[int], seq_len: int) -> Dict[str, torch.Tensor]:
        """tokens/mask [B, seq_len] (and tokens2/mask2 for pairs) and labels [B]: byte + 1, cut or padded."""
        out: Dict[str, torch.Tensor] = {}
        for t, name in enumerate(("", "2")[: len(self.inputs)]):
            tokens = torch.zeros(len(indices), seq_len, dtype=torch.int64)
            mask = torch.zeros(len(indices), seq_len)
            for row, i in enumerate(indices):
                b = self.inputs[t][i][:seq_len]
                tokens[row, : len(b)] = torch.tensor(list(b), dtype=torch.int64) + 1
                mask[row, : len(b)] = 1
            out["tokens" + name] = tokens
            out["mask" + name] = mask
        out["labels"] = torch.tensor([int(self.labels[i]) for i in indices], dtype=torch.int64)
        return out


def read_dataset(path: str) -> UserDataset:
    """Read and validate a .pfdata file."""
    with open(path, "rb") as f:
        data = f.read()

    def bad(what: str):
        raise DatasetError(f"{path} is not a prepared dataset ({FORMAT}): {what}")

    if len(data) < 8:
        bad("shorter than its 8-byte header length")
    (hlen,) = struct.unpack_from("<Q", data, 0)
    if hlen > MAX_HEADER_BYTES or 8 + hlen > len(data):
        bad(f"header length {hlen} is over {MAX_HEADER_BYTES} bytes or past the end of the file")
    try:
        header = json.loads(data[8:8 + hlen].decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as err:
        bad(f"header is not UTF-8 JSON ({err})")
    if not isinstance(header, dict) or header.get("format") != FORMAT:
        bad(f"format is {header.get('format') if isinstance(header, dict) else None!r}")
    if header.get("kind") not in KINDS:
        bad(f"kind {header.get('kind')!r} is not one of {', '.join(KINDS)}")
    n = header.get("count")
    classes = header.get("classes")
    if not isinstance(n, int) or n < 3 or not isinstance(classes, list) or len(classes) < 2:
        bad("count must be an integer >= 3 and classes a list of at least 2")
    body = data[8 + hlen:]
    sections = header.get("sections") or {}

    def section(name: str, size: int) -> bytes:
        r = sections.get(name)
        if not (isinstance(r, list) and len(r) == 2 and 0 <= r[0] and r[1] <= len(body) and r[1] - r[0] == size):
            bad(f"section {name} must span {size} bytes inside the file")
        return body[r[0]:r[1]]

    labels = np.frombuffer(section("labels", 2 * n), dtype="<u2")
    if labels.max() >= len(classes):
        bad(f"a label is not below {len(classes)} classes")
    split = np.frombuffer(section("split", n), dtype="u1")
    if split.max() > 2:
        bad("a split code is not 0, 1 or 2")
    for k, s in enumerate(SPLITS):
        if header.get("sizes", {}).get(s) != int((split == k).sum()):
            bad(f"header's {s} size differs from the data")
    inputs = []
    for t in range(2 if header["kind"] == "pairs" else 1):
        offsets = np.frombuffer(section(f"offsets{t}", 4 * (n + 1)), dtype="<u4").astype(np.int64)
        if offsets[0] != 0 or (np.diff(offsets) < 0).any() or (np.diff(offsets) > header["seqLen"]).any():
            bad(f"offsets{t} must rise from 0 by at most seqLen {header['seqLen']}")
        raw = section(f"bytes{t}", int(offsets[-1]))
        inputs.append([raw[offsets[i]:offsets[i + 1]] for i in range(n)])
    header.pop("sections", None)
    return UserDataset(hashlib.sha256(data).hexdigest()[:16], header, labels, split, inputs)


def dataset_logits(dataset_path: str, bundle_path: str, split: str = "validation", count: int = 0,
                   dtype: torch.dtype = torch.float32) -> Dict[str, object]:
    """Logits of the bundle's model on the first `count` (0: all) examples of a split, and their accuracy."""
    from .bundle import load_model

    ds = read_dataset(dataset_path)
    model, b = load_model(bundle_path, dtype)
    training = b.config.training or {}
    if training.get("task") == "custom" and training.get("dataId") != ds.id:
        raise DatasetError(f"the bundle was trained on dataset {training.get('dataId')}, this file is {ds.id}")
    if len(ds.header["classes"]) != b.config.numClasses:
        raise DatasetError(f"the dataset has {len(ds.header['classes'])} classes, the model {b.config.numClasses}")
    indices = ds.indices(split)
    if count:
        indices = indices[:count]
    batch = ds.batch(indices, b.config.seqLen)
    inputs = {k: (v.to(dtype) if k.startswith("mask") else v) for k, v in batch.items() if k != "labels"}
    with torch.no_grad():
        logits = model(inputs)["logits"]
    accuracy = float((logits.argmax(-1) == batch["labels"]).double().mean())
    return {"id": ds.id, "name": ds.header["name"], "split": split, "examples": len(indices),
            "accuracy": accuracy, "logits": logits}


def main(argv=None) -> int:
    """Command-line entry point."""
    parser = argparse.ArgumentParser(prog="python -m proxyformer.user_data")
    parser.add_argument("--data", required=True, help="prepared dataset (.pfdata)")
    parser.add_argument("--bundle", required=True, help="run bundle zip")
    parser.add_argument("--split", default="validation", choices=SPLITS)
    parser.add_argument("--count", type=int, default=0, help="first N examples of the split (0: all)")
    parser.add_argument("--out", help="write the logits here as F64 safetensors")
    parser.add_argument("--float64", action="store_true", help="compute in float64 (default float32)")
    args = parser.parse_args(argv)
    from . import safetensors_io
    from .bundle import BundleError

    try:
        r = dataset_logits(args.data, args.bundle, args.split, args.count,
                           torch.float64 if args.float64 else torch.float32)
    except (DatasetError, BundleError, OSError) as err:
        print(f"user_data: {err}", file=sys.stderr)
        return 2
    logits = r.pop("logits")
    if args.out:
        safetensors_io.save(args.out, {"logits": logits.to(torch.float64)})
    print(json.dumps(r))
    return 0


if __name__ == "__main__":
    sys.exit(main())
