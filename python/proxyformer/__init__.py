"""PyTorch reference of the Proxyformer Playground's models (softmax, Nyströmformer,
Proxyformer, Linformer, Performer and linear attention in the LRA encoder). See python/README.md."""
from .config import ConfigError, ModelConfig
from .encoder import LraModel, mask_names

__all__ = ["ConfigError", "ModelConfig", "LraModel", "mask_names"]
