"""Run bundles: a zip with model.safetensors (F32, tensor names = state_dict keys,
the config JSON in `__metadata__["config"]`), config.json, metrics.csv, optionally the
optimizer state and model.onnx.

Reading validates before building anything: the zip opens, entries are bounded in size,
the safetensors file passes safetensors_io's checks, the metadata config and config.json
parse and name the same model, and the weights match the config's names and shapes.
Writing keeps the other entries of the source bundle except the ones training makes stale
(model.onnx and any optimizer state, which this side does not write), and appends to
metrics.csv under its own header.
"""
from __future__ import annotations

import csv
import io
import json
import zipfile
from dataclasses import dataclass, field
from typing import Dict, List, Mapping, Optional

import torch

from . import safetensors_io
from .config import ConfigError, ModelConfig
from .encoder import LraModel, load_weights

MODEL_FILE = "model.safetensors"
CONFIG_FILE = "config.json"
METRICS_FILE = "metrics.csv"
STALE_AFTER_TRAINING = ("model.onnx",)
STALE_PREFIXES = ("optimizer",)
MAX_ENTRY_BYTES = 2 << 30
DEFAULT_METRICS_HEADER = ["step", "split", "loss", "taskLoss", "contrastiveLoss", "lr"]


class BundleError(ValueError):
    """A bundle that cannot be loaded; the message says what is wrong."""


@dataclass
class Bundle:
    """A bundle's parts: the config, the F32 weights and every zip entry's bytes."""

    config: ModelConfig
    weights: Dict[str, torch.Tensor]
    entries: Dict[str, bytes] = field(default_factory=dict)


def read_bundle(path: str) -> Bundle:
    """Open and validate a bundle zip."""
    try:
        with zipfile.ZipFile(path) as archive:
            entries = {}
            for info in archive.infolist():
                if info.file_size > MAX_ENTRY_BYTES:
                    raise BundleError(f"entry {info.filename} is {info.file_size} bytes, over the "
                                      f"{MAX_ENTRY_BYTES}-byte limit")
                entries[info.filename] = archive.read(info)
    except (zipfile.BadZipFile, OSError) as err:
        raise BundleError(f"{path} is not a readable zip: {err}") from err
    if MODEL_FILE not in entries:
        raise BundleError(f"bundle lacks {MODEL_FILE}; entries: {', '.join(sorted(entries)) or 'none'}")
    try:
        arrays, metadata = safetensors_io.parse(entries[MODEL_FILE])
    except safetensors_io.SafetensorsError as err:
        raise BundleError(f"{MODEL_FILE}: {err}") from err
    if "config" not in metadata:
        raise BundleError(f"{MODEL_FILE} has no __metadata__ 'config'")
    try:
        config = ModelConfig.from_json(metadata["config"])
        if CONFIG_FILE in entries:
            side = ModelConfig.from_json(entries[CONFIG_FILE].decode("utf-8")).to_dict()
            differ = [k for k, v in config.to_dict().items() if k not in config.training and side[k] != v]
            if differ:
                raise BundleError(f"{CONFIG_FILE} and the {MODEL_FILE} metadata disagree on {', '.join(differ)}")
    except (ConfigError, UnicodeDecodeError) as err:
        raise BundleError(f"bundle config: {err}") from err
    wrong = [name for name, a in arrays.items() if a.dtype.name != "float32"]
    if wrong:
        raise BundleError(f"{MODEL_FILE} tensors must be F32; not F32: {', '.join(sorted(wrong))}")
    return Bundle(config, safetensors_io.to_torch(arrays), entries)


def load_model(path: str, dtype: torch.dtype = torch.float32, device: str = "cpu") -> tuple:
    """Bundle -> (LraModel with its weights in eval mode, Bundle)."""
    bundle = read_bundle(path)
    model = LraModel(bundle.config).to(dtype)
    try:
        load_weights(model, {k: v.to(dtype) for k, v in bundle.weights.items()})
    except ValueError as err:
        raise BundleError(f"{MODEL_FILE}: {err}") from err
    return model.to(device).eval(), bundle


def model_file_bytes(model: LraModel, config: ModelConfig) -> bytes:
    """model.safetensors: F32 state_dict with the config JSON in the metadata."""
    state = {k: v.detach().to("cpu", torch.float32) for k, v in model.state_dict().items()}
    return safetensors_io.serialize(state, {"config": json.dumps(config.to_dict())})


def append_metrics(old: Optional[bytes], rows: List[Mapping[str, object]]) -> bytes:
    """metrics.csv with rows appended under the existing header (unknown columns left empty)."""
    if old:
        lines = list(csv.reader(io.StringIO(old.decode("utf-8"))))
        header = lines[0] if lines else DEFAULT_METRICS_HEADER
    else:
        lines, header = [DEFAULT_METRICS_HEADER], DEFAULT_METRICS_HEADER
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerows(lines)
    for row in rows:
        writer.writerow(["" if row.get(col) is None else row.get(col) for col in header])
    return out.getvalue().encode("utf-8")


def last_step(metrics: Optional[bytes]) -> int:
    """The largest integer in metrics.csv's 'step' column, or 0."""
    if not metrics:
        return 0
    steps = []
    for row in csv.DictReader(io.StringIO(metrics.decode("utf-8"))):
        value = (row.get("step") or "").strip()
        if value.isdigit():
            steps.append(int(value))
    return max(steps, default=0)


def write_bundle(path: str, model: LraModel, config: ModelConfig, source: Optional[Bundle] = None,
                 metrics_rows: Optional[List[Mapping[str, object]]] = None) -> List[str]:
    """Write a bundle; returns the names of source entries dropped as stale."""
    entries = dict(source.entries) if source else {}
    dropped = [name for name in entries
               if name in STALE_AFTER_TRAINING or name.startswith(STALE_PREFIXES)]
    for name in dropped:
        del entries[name]
    entries[MODEL_FILE] = model_file_bytes(model, config)
    entries[CONFIG_FILE] = config.to_json().encode("utf-8")
    if metrics_rows is not None or METRICS_FILE not in entries:
        entries[METRICS_FILE] = append_metrics(entries.get(METRICS_FILE), metrics_rows or [])
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name in sorted(entries):
            archive.writestr(name, entries[name])
    return dropped
