"""The model/run config: the camelCase JSON of `docs/model-contract.md`, validated.

The keys, their defaults, allowed values and ranges are not declared here: they are read from
`src/config/schema.json` of the same checkout, which `npm run gen:schema` writes from the
TypeScript schema (src/config/schema*.ts). So the reference accepts exactly the keys and
values the playground does. The file is tracked, so it travels with any copy of the working
tree (the GPU machine runs python/ from one).

One dataclass, `ModelConfig`, holds the model keys (with the paper preset's defaults) and
keeps the training and data keys of the same JSON object in `training`, so that a bundle's
`config.json` survives a round trip through Python. Unknown keys, values outside the schema
and impossible combinations are refused with a message that names the values.
"""
from __future__ import annotations

import dataclasses
import json
import math
import re
from pathlib import Path
from typing import Any, Dict, Optional, Tuple

# src/config/schema.json, from python/proxyformer/config.py.
SCHEMA_PATH = Path(__file__).resolve().parents[2] / "src" / "config" / "schema.json"
SCHEMA_FORMAT = 1


class ConfigError(ValueError):
    """A config value or combination the models cannot run."""


def load_schema(path: Path = SCHEMA_PATH) -> Dict[str, Any]:
    """The generated schema; refuses a missing file or one of another format, saying what to do."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as err:
        raise ConfigError(f"the config schema {path} is missing: python/ reads it from the same checkout "
                          "(`npm run gen:schema` writes it from src/config/schema*.ts)") from err
    if not isinstance(data, dict) or data.get("format") != SCHEMA_FORMAT:
        raise ConfigError(f"{path} has format {data.get('format') if isinstance(data, dict) else None!r}, "
                          f"this reader knows format {SCHEMA_FORMAT}: run `npm run gen:schema`")
    return data


SCHEMA = load_schema()
# Every key's declaration: type, part, apply, default(s), min/max or values, where it applies.
KEYS: Dict[str, Dict[str, Any]] = SCHEMA["keys"]
ATTENTIONS: Tuple[str, ...] = tuple(SCHEMA["attentions"])
TASKS: Tuple[str, ...] = tuple(SCHEMA["tasks"])


def _values(key: str) -> Tuple[str, ...]:
    return tuple(KEYS[key]["values"])


POOLINGS = _values("pooling")
PINV_INITS = _values("pinvInit")
PROXY_PARAMS = _values("proxyParam")
INJECTIONS = _values("injection")
CONTRASTIVES = _values("contrastive")
DECOMPOSED_DROPOUTS = _values("decomposedDropout")
LINFORMER_SHARINGS = _values("linformerSharing")
PERFORMER_KERNELS = _values("performerKernel")

_PY_TYPES = {"int": (int,), "float": (int, float), "bool": (bool,), "enum": (str,), "text": (str,)}
_ANNOTATIONS = {"int": int, "float": float, "bool": bool, "enum": str, "text": str}

# The model part of the schema: the fields of ModelConfig.
MODEL_KEYS: Tuple[str, ...] = tuple(k for k, s in KEYS.items() if s["part"] == "model")
# Training and data keys of the same JSON object (docs/model-contract.md "Config JSON") and their
# Python types; ModelConfig keeps them in `training`.
TRAINING_KEYS: Dict[str, Tuple[type, ...]] = {k: _PY_TYPES[s["type"]] for k, s in KEYS.items() if s["part"] != "model"}
# The schema gives these a default per task; a model alone has no task, so they must be given.
REQUIRED_KEYS = ("vocabSize", "numClasses", "seqLen")
# Keys whose default depends on the attention variant (pinvInit): None until the variant is known.
_BY_ATTENTION = tuple(k for k in MODEL_KEYS if "defaultByAttention" in KEYS[k])

_missing = [k for k in REQUIRED_KEYS if k not in MODEL_KEYS]
if _missing:
    raise ConfigError(f"{SCHEMA_PATH} lacks the model key(s) {', '.join(_missing)} this reader requires")


def allowed_text(key: str) -> str:
    """What a key allows, in words ("an integer from 1 to 12", "one of softmax, nystrom, proxy")."""
    s = KEYS[key]
    if s["type"] == "int":
        return f"an integer from {s['min']} to {s['max']}"
    if s["type"] == "float":
        return f"a number from {s['min']} to {s['max']}"
    if s["type"] == "bool":
        return "true or false"
    if s["type"] == "text":
        return f"text of at most {s['maxLength']} characters matching {s['pattern']}"
    return f"one of {', '.join(s['values'])}"


def check_value(key: str, value: Any) -> None:
    """Refuse a value of the wrong type, outside the schema's range or not among its values."""
    s = KEYS[key]
    kind = s["type"]
    if kind == "bool":
        ok = isinstance(value, bool)
    elif kind == "enum":
        ok = isinstance(value, str) and value in s["values"]
    elif kind == "text":
        ok = isinstance(value, str) and len(value) <= s["maxLength"] and re.fullmatch(s["pattern"], value) is not None
    else:
        ok = (isinstance(value, _PY_TYPES[kind]) and not isinstance(value, bool) and math.isfinite(value)
              and s["min"] <= value <= s["max"])
    if not ok:
        raise ConfigError(f"{key} must be {allowed_text(key)}, got {value!r}")


def default_for(key: str, attention: Optional[str] = None) -> Any:
    """The schema's default of a key (for the variant, where it has one per variant)."""
    s = KEYS[key]
    value = s.get("defaultByAttention", {}).get(attention, s["default"])
    return float(value) if s["type"] == "float" else value


def _field(key: str) -> Tuple[Any, ...]:
    kind = KEYS[key]["type"]
    if key in REQUIRED_KEYS:
        return key, _ANNOTATIONS[kind]
    if key in _BY_ATTENTION:
        return key, Optional[_ANNOTATIONS[kind]], dataclasses.field(default=None)
    return key, _ANNOTATIONS[kind], dataclasses.field(default=default_for(key))


class _ModelConfigMethods:
    """The behaviour of ModelConfig; its fields come from the schema (see ModelConfig below)."""

    def __post_init__(self) -> None:
        for key in _BY_ATTENTION:
            if getattr(self, key) is None:
                setattr(self, key, default_for(key, self.attention))
        self.validate()

    @property
    def head_dim(self) -> int:
        """d_h = d / H."""
        return self.dModel // self.heads

    def validate(self) -> None:
        """Refuse types, ranges and values the schema does not allow, and combinations the models cannot run."""
        for key in MODEL_KEYS:
            check_value(key, getattr(self, key))
        if self.convKernel > 0 and self.convKernel % 2 == 0:
            raise ConfigError(f"convKernel must be 0 (off) or an odd positive size, got {self.convKernel}")
        if self.performerRedraw < 0:
            raise ConfigError(f"performerRedraw must be 0 (never) or a positive step count, got {self.performerRedraw}")
        if self.dModel % self.heads != 0:
            raise ConfigError(f"dModel {self.dModel} is not divisible by heads {self.heads}")
        if self.attention in ("nystrom", "proxy") and self.landmarks > self.seqLen:
            raise ConfigError(f"landmarks {self.landmarks} exceed the sequence length seqLen {self.seqLen}")
        if self.needs_segments and self.seqLen % self.landmarks != 0:
            what = "Nyströmformer segment landmarks" if self.attention == "nystrom" else "segment injection"
            raise ConfigError(f"{what} need seqLen a multiple of landmarks: seqLen {self.seqLen}, "
                              f"landmarks {self.landmarks}")
        if self.attention == "bigbird" and self.seqLen % self.bigbirdBlock != 0:
            raise ConfigError(f"BigBird needs seqLen a multiple of the block size: seqLen {self.seqLen}, "
                              f"bigbirdBlock {self.bigbirdBlock}")
        if self.attention == "reformer" and self.seqLen % self.reformerChunk != 0:
            raise ConfigError(f"Reformer needs seqLen a multiple of the chunk length: seqLen {self.seqLen}, "
                              f"reformerChunk {self.reformerChunk}")
        if self.attention == "reformer" and self.seqLen // self.reformerChunk > 512:
            raise ConfigError(f"Reformer: seqLen {self.seqLen} / reformerChunk {self.reformerChunk} gives more than 512 chunks "
                              f"per round (the bucket sort holds at most 1024 buckets)")
        if self.attention == "softmax" and self.softmaxImpl == "fused" and self.attentionDropout > 0:
            # The TypeScript fused kernels store no probabilities to drop; the reference refuses the same pair.
            raise ConfigError(f"attentionDropout {self.attentionDropout} needs the probabilities, which softmaxImpl "
                              f"'fused' never stores: set attentionDropout 0, or softmaxImpl 'materialized'")
        if self.attention == "proxy" and self.contrastive == "uniformity" and self.landmarks < 2:
            raise ConfigError(f"the uniformity loss needs at least 2 proxies, got landmarks {self.landmarks}")
        for key, value in self.training.items():
            if key not in TRAINING_KEYS:
                raise ConfigError(f"unknown config key {key!r}")
            check_value(key, value)

    @property
    def needs_segments(self) -> bool:
        """Whether the sequence is cut into `landmarks` contiguous segments (n % m == 0)."""
        return self.attention == "nystrom" or (self.attention == "proxy" and self.injection == "segment")

    def training_value(self, key: str) -> Any:
        """A training key as read, or the schema's default when the JSON did not carry it."""
        if key not in TRAINING_KEYS:
            raise ConfigError(f"{key!r} is not a training key; training keys: {', '.join(TRAINING_KEYS)}")
        return self.training.get(key, default_for(key))

    @classmethod
    def from_dict(cls, data: Dict[str, Any]) -> "ModelConfig":
        """Read the camelCase JSON object; training keys go to `training`, others are refused."""
        if not isinstance(data, dict):
            raise ConfigError(f"config must be a JSON object, got {type(data).__name__}")
        unknown = [k for k in data if k not in KEYS]
        if unknown:
            raise ConfigError(f"unknown config key(s) {', '.join(map(repr, unknown))}; allowed: "
                              f"{', '.join(sorted(KEYS))}")
        missing = [k for k in REQUIRED_KEYS if k not in data]
        if missing:
            raise ConfigError(f"config lacks the required key(s) {', '.join(missing)}")
        model = {k: v for k, v in data.items() if k in MODEL_KEYS}
        training = {k: v for k, v in data.items() if k in TRAINING_KEYS}
        return cls(**model, training=training)

    @classmethod
    def from_json(cls, text: str) -> "ModelConfig":
        """Parse JSON text (see from_dict)."""
        try:
            data = json.loads(text)
        except json.JSONDecodeError as err:
            raise ConfigError(f"config is not valid JSON: {err}") from err
        return cls.from_dict(data)

    def to_dict(self) -> Dict[str, Any]:
        """The camelCase JSON object: model keys, then the training keys as read."""
        out = {f.name: getattr(self, f.name) for f in dataclasses.fields(self) if f.name != "training"}
        out.update(self.training)
        return out

    def to_json(self) -> str:
        """JSON text of to_dict()."""
        return json.dumps(self.to_dict(), indent=2)

    def replace(self, **changes: Any) -> "ModelConfig":
        """A copy with some keys changed (validated again)."""
        return dataclasses.replace(self, **changes)


# Required keys first (a dataclass wants fields without defaults before the others), then the
# schema's order, then the training keys as read.
ModelConfig = dataclasses.make_dataclass(
    "ModelConfig",
    [_field(k) for k in REQUIRED_KEYS]
    + [_field(k) for k in MODEL_KEYS if k not in REQUIRED_KEYS]
    + [("training", Dict[str, Any], dataclasses.field(default_factory=dict))],
    bases=(_ModelConfigMethods,),
    namespace={"__doc__": "Model keys of docs/model-contract.md (camelCase, as in the JSON), from src/config/schema.json.",
               "__module__": __name__},
)
