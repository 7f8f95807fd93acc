"""Continue a bundle's run with PyTorch DistributedDataParallel.

    # one process per rank, plain environment-variable launch (works with Debian's torch 1.13):
    MASTER_ADDR=127.0.0.1 MASTER_PORT=29500 WORLD_SIZE=2 RANK=0 python3 -m proxyformer.train_ddp ... &
    MASTER_ADDR=127.0.0.1 MASTER_PORT=29500 WORLD_SIZE=2 RANK=1 python3 -m proxyformer.train_ddp ...
    # or with a newer PyTorch:
    torchrun --nproc_per_node=2 -m proxyformer.train_ddp ...
    # without WORLD_SIZE in the environment it runs as one plain process.

Arguments: --bundle in.zip --batches batches.safetensors --out out.zip [--steps N]
[--device cpu|cuda] [--lr X] [--seed S].
The batches file holds pre-generated batches stacked on a leading step axis: tokens
[S, B, n] (I32/I64), mask [S, B, n], labels [S, B], plus tokens2/mask2 for two towers.
Step t uses batch t mod S; rank r trains on rows [r·B/W, (r+1)·B/W) of it, so W ranks
together see the same global batch as one process (B must be divisible by W); DDP averages
the gradients. Backend gloo on CPU, nccl on CUDA.

What it does NOT do (kept honest): the optimizer state is not resumed (AdamW starts fresh),
the learning rate is constant (config `lr` or --lr; the one-cycle schedule is not continued),
and Nyströmformer's 'global' pseudo-inverse init takes its max over each rank's shard only.
Rank 0 writes the output bundle: same entry names, new model.safetensors and config.json,
metrics.csv with one row per step appended, stale model.onnx / optimizer state dropped.
"""
from __future__ import annotations

import argparse
import os
import sys
from typing import Dict, List

import torch
import torch.distributed as dist
from torch.nn.parallel import DistributedDataParallel

from . import safetensors_io
from .bundle import METRICS_FILE, last_step, load_model, write_bundle

BATCH_KEYS = ("tokens", "mask", "labels", "tokens2", "mask2")


def read_batches(path: str) -> Dict[str, torch.Tensor]:
    """The stacked batches file, checked for consistent step and batch axes."""
    arrays, _ = safetensors_io.load(path)
    batches = {k: v for k, v in safetensors_io.to_torch(arrays).items() if k in BATCH_KEYS}
    for key in ("tokens", "labels"):
        if key not in batches:
            raise ValueError(f"{path} lacks {key!r} (needs tokens [S, B, n] and labels [S, B])")
    steps, size = batches["labels"].shape[:2]
    for key, tensor in batches.items():
        if tuple(tensor.shape[:2]) != (steps, size):
            raise ValueError(f"{path}: {key} has leading shape {list(tensor.shape[:2])}, "
                             f"labels has {[steps, size]}")
    return batches


def shard(batches: Dict[str, torch.Tensor], step: int, rank: int, world: int) -> Dict[str, torch.Tensor]:
    """This rank's rows of batch `step mod S`."""
    steps, size = batches["labels"].shape[:2]
    if size % world != 0:
        raise ValueError(f"batch size {size} is not divisible by the world size {world}")
    per = size // world
    return {k: v[step % steps, rank * per:(rank + 1) * per] for k, v in batches.items()}


def train(model: torch.nn.Module, batches: Dict[str, torch.Tensor], steps: int, lr: float,
          rank: int, world: int, device: torch.device) -> List[Dict[str, float]]:
    """AdamW steps on this rank's shards; returns one metrics row per step (rank-mean losses)."""
    cfg = model.config
    hp = cfg.training_value  # the bundle's value, or the schema's default
    optimizer = torch.optim.AdamW(model.parameters(), lr=lr, betas=(hp("beta1"), hp("beta2")),
                                  eps=hp("adamEps"), weight_decay=hp("weightDecay"))
    wrapped = DistributedDataParallel(model, device_ids=[device.index] if device.type == "cuda" else None) \
        if world > 1 else model
    model.train()
    rows = []
    for step in range(steps):
        batch = {k: v.to(device) for k, v in shard(batches, step, rank, world).items()}
        batch["mask"] = batch["mask"].float() if "mask" in batch else (batch["tokens"] != 0).float()
        out = wrapped(batch)
        optimizer.zero_grad(set_to_none=True)
        out["loss"].backward()
        if hp("gradClip") > 0:
            torch.nn.utils.clip_grad_norm_(model.parameters(), hp("gradClip"))
        optimizer.step()
        logged = torch.stack([out["loss"], out["task_loss"], out["contrastive_loss"]]).detach()
        if world > 1:
            dist.all_reduce(logged)
            logged /= world
        rows.append({"split": "train", "loss": float(logged[0]), "taskLoss": float(logged[1]),
                     "contrastiveLoss": float(logged[2]), "lr": lr})
    return rows


def main(argv=None) -> int:
    """Command-line entry point (one call per rank)."""
    parser = argparse.ArgumentParser(prog="python -m proxyformer.train_ddp")
    parser.add_argument("--bundle", required=True)
    parser.add_argument("--batches", required=True)
    parser.add_argument("--out", required=True)
    parser.add_argument("--steps", type=int, help="steps to run (default: one pass over the batches file)")
    parser.add_argument("--device", default="cpu", choices=("cpu", "cuda"))
    parser.add_argument("--lr", type=float, help="learning rate (default: the config's lr, else 1e-4)")
    parser.add_argument("--seed", type=int, default=0, help="dropout draws use seed + rank")
    args = parser.parse_args(argv)

    world = int(os.environ.get("WORLD_SIZE", "1"))
    rank = int(os.environ.get("RANK", "0"))
    if world > 1:
        dist.init_process_group("nccl" if args.device == "cuda" else "gloo", init_method="env://",
                                rank=rank, world_size=world)
    if args.device == "cuda":
        local = int(os.environ.get("LOCAL_RANK", rank % max(torch.cuda.device_count(), 1)))
        torch.cuda.set_device(local)
        device = torch.device("cuda", local)
    else:
        device = torch.device("cpu")
    try:
        model, source = load_model(args.bundle, torch.float32, str(device))
        batches = read_batches(args.batches)
        steps = args.steps if args.steps is not None else batches["labels"].shape[0]
        lr = args.lr if args.lr is not None else source.config.training_value("lr")
        torch.manual_seed(args.seed + rank)
        rows = train(model, batches, steps, lr, rank, world, device)
        if rank == 0:
            first = last_step(source.entries.get(METRICS_FILE)) + 1
            for i, row in enumerate(rows):
                row["step"] = first + i
            dropped = write_bundle(args.out, model, source.config, source, rows)
            print(f"train_ddp: {world} process(es), {steps} steps, loss {rows[0]['loss']:.4f} -> "
                  f"{rows[-1]['loss']:.4f}; wrote {args.out}"
                  + (f" (dropped stale {', '.join(dropped)})" if dropped else ""))
        if world > 1:
            dist.barrier()
    finally:
        if world > 1:
            dist.destroy_process_group()
    return 0


if __name__ == "__main__":
    sys.exit(main())
