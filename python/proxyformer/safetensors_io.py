"""Read and write safetensors files with json, struct and numpy only (no `safetensors` package).

Format (huggingface/safetensors): an 8-byte little-endian unsigned header length N, N bytes
of UTF-8 JSON {name: {"dtype", "shape", "data_offsets": [begin, end]}, "__metadata__":
{str: str}}, then the byte buffer; offsets are relative to the buffer's start, tensors are
little-endian and row-major. Reading validates everything before returning anything and
raises SafetensorsError with what is wrong: the header length is bounded, the JSON parses
(duplicate keys refused), dtypes are known, shapes match byte lengths, and the byte ranges lie
inside the buffer, do not overlap and cover it without holes (as the reference reader demands).
The writer pads the header with spaces to a multiple of 8 bytes, as the reference writer does.
"""
from __future__ import annotations

import json
import math
import struct
from typing import Any, Dict, Mapping, Optional, Tuple

import numpy as np

MAX_HEADER_BYTES = 100_000_000  # the reference implementation's limit

DTYPES = {
    "F16": np.dtype("<f2"), "F32": np.dtype("<f4"), "F64": np.dtype("<f8"),
    "I8": np.dtype("i1"), "I16": np.dtype("<i2"), "I32": np.dtype("<i4"), "I64": np.dtype("<i8"),
    "U8": np.dtype("u1"), "U16": np.dtype("<u2"), "U32": np.dtype("<u4"), "U64": np.dtype("<u8"),
    "BOOL": np.dtype("?"),
}
_NAMES_BY_KIND = {(dt.kind, dt.itemsize): name for name, dt in DTYPES.items()}


class SafetensorsError(ValueError):
    """A safetensors file (or tensor to write) that is malformed; the message says how."""


def _no_duplicates(pairs):
    out = {}
    for key, value in pairs:
        if key in out:
            raise SafetensorsError(f"header JSON repeats the key {key!r}")
        out[key] = value
    return out


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def parse(data: bytes) -> Tuple[Dict[str, np.ndarray], Dict[str, str]]:
    """Validate and decode safetensors bytes -> ({name: numpy array}, metadata)."""
    if len(data) < 8:
        raise SafetensorsError(f"file is {len(data)} bytes, too short for the 8-byte header length")
    (header_len,) = struct.unpack("<Q", data[:8])
    if header_len > MAX_HEADER_BYTES:
        raise SafetensorsError(f"header length {header_len} exceeds the limit of {MAX_HEADER_BYTES} bytes")
    if 8 + header_len > len(data):
        raise SafetensorsError(f"header length {header_len} runs past the end of the {len(data)}-byte file")
    try:
        header = json.loads(data[8:8 + header_len].decode("utf-8"), object_pairs_hook=_no_duplicates)
    except UnicodeDecodeError as err:
        raise SafetensorsError(f"header is not UTF-8: {err}") from err
    except json.JSONDecodeError as err:
        raise SafetensorsError(f"header is not valid JSON: {err}") from err
    if not isinstance(header, dict):
        raise SafetensorsError(f"header must be a JSON object, got {type(header).__name__}")
    metadata = header.pop("__metadata__", {})
    if not isinstance(metadata, dict) or not all(isinstance(v, str) for v in metadata.values()):
        raise SafetensorsError("__metadata__ must be an object of string values")
    buffer = memoryview(data)[8 + header_len:]
    spans = []
    for name, entry in header.items():
        if not name:
            raise SafetensorsError("a tensor has an empty name")
        if not isinstance(entry, dict) or set(entry) != {"dtype", "shape", "data_offsets"}:
            raise SafetensorsError(f"tensor {name!r}: entry must have exactly dtype, shape, data_offsets")
        dtype, shape, offsets = entry["dtype"], entry["shape"], entry["data_offsets"]
        if dtype not in DTYPES:
            raise SafetensorsError(f"tensor {name!r}: dtype {dtype!r} is not supported; "
                                   f"allowed: {', '.join(DTYPES)}")
        if not isinstance(shape, list) or not all(_is_int(s) and s >= 0 for s in shape):
            raise SafetensorsError(f"tensor {name!r}: shape must be a list of non-negative integers, got {shape!r}")
        if (not isinstance(offsets, list) or len(offsets) != 2 or not all(_is_int(o) for o in offsets)
                or not 0 <= offsets[0] <= offsets[1] <= len(buffer)):
            raise SafetensorsError(f"tensor {name!r}: data_offsets {offsets!r} do not lie inside the "
                                   f"{len(buffer)}-byte data buffer")
        expected = math.prod(shape) * DTYPES[dtype].itemsize
        if offsets[1] - offsets[0] != expected:
            raise SafetensorsError(f"tensor {name!r}: {offsets[1] - offsets[0]} bytes for {dtype} {shape}, "
                                   f"expected {expected}")
        spans.append((offsets[0], offsets[1], name))
    position = 0
    for begin, end, name in sorted(spans):
        if begin < position:
            raise SafetensorsError(f"tensor {name!r}: bytes [{begin}, {end}) overlap the previous tensor")
        if begin > position:
            raise SafetensorsError(f"tensor {name!r}: hole of {begin - position} bytes before it in the buffer")
        position = end
    if position != len(buffer):
        raise SafetensorsError(f"{len(buffer) - position} trailing bytes after the last tensor")
    tensors = {}
    for name, entry in header.items():
        begin, end = entry["data_offsets"]
        array = np.frombuffer(buffer[begin:end], dtype=DTYPES[entry["dtype"]])
        tensors[name] = array.reshape(entry["shape"]).copy()
    return tensors, dict(metadata)


def load(path: str) -> Tuple[Dict[str, np.ndarray], Dict[str, str]]:
    """Read a safetensors file -> ({name: numpy array}, metadata)."""
    with open(path, "rb") as f:
        return parse(f.read())


def _as_numpy(value: Any) -> np.ndarray:
    if hasattr(value, "detach"):  # a torch tensor
        value = value.detach().cpu().numpy()
    return np.asarray(value)


def serialize(tensors: Mapping[str, Any], metadata: Optional[Mapping[str, str]] = None) -> bytes:
    """Encode {name: numpy array or torch tensor} (+ string metadata) as safetensors bytes."""
    header: Dict[str, Any] = {}
    if metadata:
        if not all(isinstance(k, str) and isinstance(v, str) for k, v in metadata.items()):
            raise SafetensorsError("metadata keys and values must be strings")
        header["__metadata__"] = dict(metadata)
    chunks, offset = [], 0
    for name in sorted(tensors):
        if not isinstance(name, str) or not name or name == "__metadata__":
            raise SafetensorsError(f"invalid tensor name {name!r}")
        array = _as_numpy(tensors[name])
        dtype_name = _NAMES_BY_KIND.get((array.dtype.kind, array.dtype.itemsize))
        if dtype_name is None:
            raise SafetensorsError(f"tensor {name!r}: numpy dtype {array.dtype} has no safetensors dtype")
        raw = np.ascontiguousarray(array, dtype=DTYPES[dtype_name]).tobytes()
        header[name] = {"dtype": dtype_name, "shape": list(array.shape),
                        "data_offsets": [offset, offset + len(raw)]}
        chunks.append(raw)
        offset += len(raw)
    text = json.dumps(header, separators=(",", ":")).encode("utf-8")
    text += b" " * (-len(text) % 8)
    return struct.pack("<Q", len(text)) + text + b"".join(chunks)


def save(path: str, tensors: Mapping[str, Any], metadata: Optional[Mapping[str, str]] = None) -> None:
    """Write a safetensors file (see serialize)."""
    with open(path, "wb") as f:
        f.write(serialize(tensors, metadata))


def to_torch(arrays: Mapping[str, np.ndarray], dtype: Optional[Any] = None) -> Dict[str, Any]:
    """numpy arrays -> torch tensors, floating ones cast to `dtype` when given."""
    import torch

    out = {}
    for name, array in arrays.items():
        tensor = torch.from_numpy(np.ascontiguousarray(array))
        if dtype is not None and tensor.is_floating_point():
            tensor = tensor.to(dtype)
        out[name] = tensor
    return out


