"""The model/run config: the camelCase JSON of `docs/model-contract.md`, validated.

One dataclass, `ModelConfig`, holds the model keys (with the paper preset's defaults,
model.md "Paper preset") and keeps the training keys of the same JSON object untouched in
`training`, so that a bundle's `config.json` survives a round trip through Python.
Unknown keys and impossible combinations are refused with a message that names the values.
"""
from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass, field
from typing import Any, Dict, Optional

ATTENTIONS = ("softmax", "nystrom", "proxy", "linformer", "performer", "linear")
POOLINGS = ("masked-mean", "mean-all")
PINV_INITS = ("per-matrix", "global")
PROXY_PARAMS = ("projected", "per-head")
INJECTIONS = ("attend", "mean", "segment", "none")
CONTRASTIVES = ("qk-infonce", "uniformity")
DECOMPOSED_DROPOUTS = ("k2-columns", "z-columns", "off")
LINFORMER_SHARINGS = ("shared", "per-layer")
PERFORMER_KERNELS = ("relu", "softmax")

# Training keys of the same JSON object (docs/model-contract.md, "Training") and their types.
TRAINING_KEYS = {
    "task": (str,), "batchSize": (int,), "steps": (int,), "lr": (int, float),
    "warmupSteps": (int,), "weightDecay": (int, float), "beta1": (int, float),
    "beta2": (int, float), "adamEps": (int, float), "gradClip": (int, float),
    "cycleMomentum": (bool,), "divFactor": (int, float), "finalDivFactor": (int, float),
    "evalEvery": (int,), "evalSteps": (int,), "checkpointEvery": (int,),
    "dataSeed": (int,), "initSeed": (int,),
    # Data keys of the TypeScript schema (src/model/config/schemaTrain.ts): a run bundle's
    # config.json carries them, and the reference only keeps them in `training`.
    "listopsMinLen": (int,), "listopsMaxLen": (int,), "listopsMaxDepth": (int,),
    "listopsMaxArgs": (int,), "pathfinderDifficulty": (str,), "imageSize": (int,),
}

_CHOICES = {
    "attention": ATTENTIONS, "pooling": POOLINGS, "pinvInit": PINV_INITS,
    "proxyParam": PROXY_PARAMS, "injection": INJECTIONS, "contrastive": CONTRASTIVES,
    "decomposedDropout": DECOMPOSED_DROPOUTS, "linformerSharing": LINFORMER_SHARINGS,
    "performerKernel": PERFORMER_KERNELS,
}


class ConfigError(ValueError):
    """A config value or combination the models cannot run."""


@dataclass
class ModelConfig:
    """Model keys of docs/model-contract.md (camelCase, as in the JSON)."""

    vocabSize: int
    numClasses: int
    seqLen: int
    attention: str = "proxy"
    layers: int = 2
    dModel: int = 64
    heads: int = 2
    ffn: int = 128
    twoTower: bool = False
    pooling: str = "masked-mean"
    dropout: float = 0.1
    attentionDropout: float = 0.1
    landmarks: int = 128
    pinvIterations: int = 6
    # None means "the contract's default for this attention": 'global' for nystrom
    # (what the reference code runs), 'per-matrix' for proxy.
    pinvInit: Optional[str] = None
    convKernel: int = 35
    proxyParam: str = "projected"
    injection: str = "attend"
    contrastive: str = "qk-infonce"
    contrastiveWeight: float = 0.1
    contrastiveTemperature: float = 0.07
    decomposedDropout: str = "k2-columns"
    decomposedDropoutRate: float = 0.1
    # The LRA baselines (Linformer, Performer): docs/model-contract.md.
    linformerK: int = 128
    linformerSharing: str = "shared"
    performerFeatures: int = 128
    performerKernel: str = "relu"
    performerRedraw: int = 0  # training-only redraw cadence; the reference uses the features in its state
    training: Dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.pinvInit is None:
            self.pinvInit = "global" if self.attention == "nystrom" else "per-matrix"
        self.validate()

    @property
    def head_dim(self) -> int:
        """d_h = d / H."""
        return self.dModel // self.heads

    def validate(self) -> None:
        """Refuse types, ranges and combinations the models cannot run."""
        for f in dataclasses.fields(self):
            if f.name == "training":
                continue
            value = getattr(self, f.name)
            kind = f.type if isinstance(f.type, str) else f.type.__name__
            if "int" in kind and (isinstance(value, bool) or not isinstance(value, int)):
                raise ConfigError(f"{f.name} must be an integer, got {value!r}")
            if "float" in kind and (isinstance(value, bool) or not isinstance(value, (int, float))):
                raise ConfigError(f"{f.name} must be a number, got {value!r}")
            if "bool" in kind and not isinstance(value, bool):
                raise ConfigError(f"{f.name} must be true or false, got {value!r}")
        for key, allowed in _CHOICES.items():
            if getattr(self, key) not in allowed:
                raise ConfigError(f"{key} must be one of {', '.join(allowed)}; got {getattr(self, key)!r}")
        for key in ("vocabSize", "numClasses", "seqLen", "layers", "dModel", "heads", "ffn",
                    "landmarks", "pinvIterations", "linformerK", "performerFeatures"):
            if getattr(self, key) < 1:
                raise ConfigError(f"{key} must be at least 1, got {getattr(self, key)}")
        if self.convKernel < 0 or (self.convKernel > 0 and self.convKernel % 2 == 0):
            raise ConfigError(f"convKernel must be 0 (off) or an odd positive size, got {self.convKernel}")
        if self.performerRedraw < 0:
            raise ConfigError(f"performerRedraw must be 0 (never) or a positive step count, got {self.performerRedraw}")
        if self.dModel % self.heads != 0:
            raise ConfigError(f"dModel {self.dModel} is not divisible by heads {self.heads}")
        for key in ("dropout", "attentionDropout", "decomposedDropoutRate"):
            if not 0 <= getattr(self, key) < 1:
                raise ConfigError(f"{key} must be in [0, 1), got {getattr(self, key)}")
        if self.contrastiveWeight < 0:
            raise ConfigError(f"contrastiveWeight must be >= 0, got {self.contrastiveWeight}")
        if self.contrastiveTemperature <= 0:
            raise ConfigError(f"contrastiveTemperature must be > 0, got {self.contrastiveTemperature}")
        if self.attention in ("nystrom", "proxy") and self.landmarks > self.seqLen:
            raise ConfigError(f"landmarks {self.landmarks} exceed the sequence length seqLen {self.seqLen}")
        if self.needs_segments and self.seqLen % self.landmarks != 0:
            what = "Nyströmformer segment landmarks" if self.attention == "nystrom" else "segment injection"
            raise ConfigError(f"{what} need seqLen a multiple of landmarks: seqLen {self.seqLen}, "
                              f"landmarks {self.landmarks}")
        if self.attention == "proxy" and self.contrastive == "uniformity" and self.landmarks < 2:
            raise ConfigError(f"the uniformity loss needs at least 2 proxies, got landmarks {self.landmarks}")
        for key, value in self.training.items():
            if key not in TRAINING_KEYS:
                raise ConfigError(f"unknown config key {key!r}")
            types = TRAINING_KEYS[key]
            if (isinstance(value, bool) and bool not in types) or not isinstance(value, types):
                raise ConfigError(f"{key} must be of type {'/'.join(t.__name__ for t in types)}, got {value!r}")

    @property
    def needs_segments(self) -> bool:
        """Whether the sequence is cut into `landmarks` contiguous segments (n % m == 0)."""
        return self.attention == "nystrom" or (self.attention == "proxy" and self.injection == "segment")

    @classmethod
    def from_dict(cls, data: Dict[str, Any]) -> "ModelConfig":
        """Read the camelCase JSON object; training keys go to `training`, others are refused."""
        if not isinstance(data, dict):
            raise ConfigError(f"config must be a JSON object, got {type(data).__name__}")
        model_keys = {f.name for f in dataclasses.fields(cls)} - {"training"}
        unknown = [k for k in data if k not in model_keys and k not in TRAINING_KEYS]
        if unknown:
            raise ConfigError(f"unknown config key(s) {', '.join(map(repr, unknown))}; allowed: "
                              f"{', '.join(sorted(model_keys | set(TRAINING_KEYS)))}")
        missing = [k for k in ("vocabSize", "numClasses", "seqLen") if k not in data]
        if missing:
            raise ConfigError(f"config lacks the required key(s) {', '.join(missing)}")
        model = {k: v for k, v in data.items() if k in model_keys}
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
