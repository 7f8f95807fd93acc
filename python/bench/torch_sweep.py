"""The PyTorch peer of the scaling sweep (docs/gpu.md "Targets"): the reference `LraModel` run eagerly, same
paper preset, batch and lengths as `scripts/bench.ts`, a full training step (forward, backward,
AdamW) and inference alone (no_grad forward), with `torch.cuda.max_memory_allocated` per sequence.

    PYTHONPATH=python python3 python/bench/torch_sweep.py --device cuda --batch 32 \
        --lengths 256,512,1024,2048,4096,8192 --out torch.json [--md torch.md]

Timing: wall clock between two `torch.cuda.synchronize()` calls around one step (on the CPU the
step is synchronous), warm-up steps first, then the median of the repeats with quartiles and
min/max, as the TypeScript sweep. The reference checks its inputs on every forward with host
reads (`mask` values, token range), which would add device syncs inside the step; they run on
the first call and are then switched off for the timed steps (recorded in the JSON).
A step that runs out of CUDA memory is reported as not fitting, with the message, instead of
stopping the sweep. The JSON rows have the same fields as the TypeScript rows.
"""
import argparse
import datetime
import json
import math
import sys
import time
from typing import Any, Dict, List, Optional

import torch

from proxyformer import LraModel, ModelConfig

VARIANTS = ("softmax", "softmax-fused", "nystrom", "proxy")
MODES = ("train", "inference")
NAMES = {"softmax": "softmax", "softmax-fused": "softmax (fused)", "nystrom": "Nyströmformer", "proxy": "Proxyformer"}
# softmax-fused: PyTorch's scaled_dot_product_attention (attention_softmax.py), the native exact
# attention without n×n memory, against our fused WGSL kernel of the same name. It has no
# attention dropout (neither has ours in that mode).
VARIANT_KEYS = {"softmax-fused": {"attention": "softmax", "softmaxImpl": "fused", "attentionDropout": 0.0}}
# The ListOps paper preset (src/config defaults): vocabulary 32, 10 classes, lr 1e-4,
# AdamW (0.9, 0.999), eps 1e-6, weight decay 0, no clipping.
PRESET = {"vocabSize": 32, "numClasses": 10, "layers": 2, "dModel": 64, "heads": 2, "ffn": 128,
          "landmarks": 128, "convKernel": 35, "dropout": 0.1, "attentionDropout": 0.1}
OPTIM = {"lr": 1e-4, "betas": (0.9, 0.999), "eps": 1e-6, "weight_decay": 0.0}


def spread(samples: List[float]) -> Dict[str, float]:
    """Median, quartiles (linear interpolation, as NumPy and src/bench/stats.ts) and extremes."""
    if not samples:
        raise ValueError("spread: no samples (repeats must be at least 1)")
    s = sorted(samples)

    def q(p: float) -> float:
        pos = (len(s) - 1) * p
        lo, hi = math.floor(pos), math.ceil(pos)
        return s[lo] + (s[hi] - s[lo]) * (pos - lo)

    return {"median": q(0.5), "q1": q(0.25), "q3": q(0.75), "min": s[0], "max": s[-1], "count": len(s)}


def fit_power_law(xs: List[float], ys: List[float]) -> Dict[str, float]:
    """Least squares of log y on log x: y ≈ c·x^exponent (the TypeScript `fitPowerLaw`)."""
    if len(xs) != len(ys):
        raise ValueError(f"fit_power_law: {len(xs)} lengths but {len(ys)} times")
    if len(set(xs)) < 2:
        raise ValueError(f"fit_power_law: needs at least two distinct lengths, got {xs}")
    if any(x <= 0 or y <= 0 for x, y in zip(xs, ys)):
        raise ValueError("fit_power_law: lengths and times must be positive for a log–log fit")
    lx = [math.log(x) for x in xs]
    ly = [math.log(y) for y in ys]
    mx, my = sum(lx) / len(lx), sum(ly) / len(ly)
    sxx = sum((a - mx) ** 2 for a in lx)
    sxy = sum((a - mx) * (b - my) for a, b in zip(lx, ly))
    syy = sum((b - my) ** 2 for b in ly)
    k = sxy / sxx
    c = my - k * mx
    res = sum((b - (c + k * a)) ** 2 for a, b in zip(lx, ly))
    return {"exponent": k, "coefficient": math.exp(c), "r2": 1.0 if syy == 0 else 1 - res / syy, "points": len(xs)}


def make_batch(cfg: ModelConfig, batch: int, device: torch.device) -> Dict[str, torch.Tensor]:
    """Random tokens, a full mask and random labels (the data pipeline is not measured)."""
    g = torch.Generator().manual_seed(cfg.seqLen)
    return {
        "tokens": torch.randint(1, cfg.vocabSize, (batch, cfg.seqLen), generator=g).to(device),
        "mask": torch.ones(batch, cfg.seqLen).to(device),
        "labels": torch.randint(0, cfg.numClasses, (batch,), generator=g).to(device),
    }


def _sync(device: torch.device) -> None:
    if device.type == "cuda":
        torch.cuda.synchronize(device)


def _is_oom(err: BaseException) -> bool:
    return isinstance(err, getattr(torch.cuda, "OutOfMemoryError", ())) or "out of memory" in str(err).lower()


def measure(variant: str, mode: str, n: int, batch: int, warmup: int, repeats: int, overrides: Dict[str, Any],
            device: torch.device) -> Dict[str, Any]:
    """One (variant, mode, length): warm-up, timed repeats, peak CUDA memory of the timed steps."""
    row: Dict[str, Any] = {"variant": variant, "mode": mode, "n": n, "batch": batch}
    model = opt = data = None
    try:
        cfg = ModelConfig(**{**PRESET, **overrides, "attention": variant, **VARIANT_KEYS.get(variant, {}), "seqLen": n})
        torch.manual_seed(0)
        model = LraModel(cfg).to(device)
        if variant == "softmax-fused":
            # Which kernel ran: torch's fused one, or the composed product where this torch has none.
            row["implementation"] = ",".join(sorted({m.implementation() for m in model.modules() if hasattr(m, "implementation")}))
        data = make_batch(cfg, batch, device)
        opt = torch.optim.AdamW(model.parameters(), **OPTIM) if mode == "train" else None
        checked = [False]
        original_check = model._check_inputs

        def check_once(*args: Any) -> None:
            if not checked[0]:
                original_check(*args)
                checked[0] = True

        model._check_inputs = check_once  # type: ignore[method-assign]

        def step() -> None:
            if mode == "train":
                model.train()
                opt.zero_grad(set_to_none=False)
                model(data)["loss"].backward()
                opt.step()
            else:
                model.eval()
                with torch.no_grad():
                    model({"tokens": data["tokens"], "mask": data["mask"]})["logits"]

        for _ in range(warmup):
            step()
        _sync(device)
        if device.type == "cuda":
            torch.cuda.reset_peak_memory_stats(device)
        samples = []
        for _ in range(repeats):
            _sync(device)
            t0 = time.perf_counter()
            step()
            _sync(device)
            samples.append((time.perf_counter() - t0) * 1000)
        ms = spread(samples)
        seqs = batch / (ms["median"] / 1000)
        row.update(status="ok", ms=ms, sequencesPerSecond=seqs, tokensPerSecond=seqs * n)
        if device.type == "cuda":
            peak = torch.cuda.max_memory_allocated(device)
            row.update(peakBytes=peak, peakBytesPerSequence=peak / batch)
        return row
    except Exception as err:  # noqa: BLE001 — a row that fails is reported, the sweep goes on
        if _is_oom(err):
            row.update(status="does-not-fit", note=f"CUDA out of memory: {str(err).splitlines()[0]}")
        else:
            row.update(status="error", note=f"{type(err).__name__}: {err}")
        return row
    finally:
        del model, opt, data
        if device.type == "cuda":
            torch.cuda.empty_cache()


def growth(rows: List[Dict[str, Any]]) -> List[Dict[str, Any]]:
    """Exponent of time per sequence against length per variant and mode (at least two lengths)."""
    out = []
    for v in VARIANTS:
        for m in MODES:
            ok = [r for r in rows if r["variant"] == v and r["mode"] == m and r.get("status") == "ok"]
            if len({r["n"] for r in ok}) < 2:
                continue
            out.append({"variant": v, "mode": m, "lengths": [r["n"] for r in ok],
                        "fit": fit_power_law([r["n"] for r in ok], [r["ms"]["median"] / r["batch"] for r in ok])})
    return out


def device_info(device: torch.device) -> Dict[str, Any]:
    """What the figures came from: card name and versions."""
    info: Dict[str, Any] = {"device": str(device), "torch": torch.__version__, "python": sys.version.split()[0]}
    if device.type == "cuda":
        p = torch.cuda.get_device_properties(device)
        info.update(name=p.name, totalMemory=p.total_memory, cuda=torch.version.cuda)
    else:
        info.update(name="CPU", threads=torch.get_num_threads())
    return info


def run_sweep(device: torch.device, variants: List[str], lengths: List[int], batch: int, warmup: int, repeats: int,
              overrides: Dict[str, Any], modes: Optional[List[str]] = None, log=print) -> Dict[str, Any]:
    """The whole sweep as a JSON-ready dict (schema proxyformer-bench-torch/1)."""
    rows = []
    for v in variants:
        for n in lengths:
            for m in modes or list(MODES):
                r = measure(v, m, n, batch, warmup, repeats, overrides, device)
                rows.append(r)
                what = (f"{r['ms']['median']:.2f} ms, {r['sequencesPerSecond']:.2f} seq/s"
                        + (f", {r['peakBytesPerSequence'] / 2 ** 20:.2f} MiB/seq" if "peakBytesPerSequence" in r else "")
                        if r["status"] == "ok" else f"{r['status']}: {r.get('note')}")
                log(f"torch {v} {m} n={n}: {what}")
    return {
        "schema": "proxyformer-bench-torch/1",
        "date": datetime.datetime.now(datetime.timezone.utc).isoformat(),
        "adapter": device_info(device),
        "batch": batch, "lengths": lengths, "variants": variants, "warmup": warmup, "repeats": repeats,
        "overrides": overrides,
        "timing": "wall clock between torch.cuda.synchronize() before and after one step (CPU: synchronous); "
                  "the reference's per-forward input checks (host reads) run once, before the timed steps",
        "rows": rows,
        "growth": growth(rows),
    }


def to_markdown(r: Dict[str, Any]) -> str:
    """A report naming the card, batch and lengths before any figure."""
    a = r["adapter"]
    lines = [f"# PyTorch eager sweep — {a['name']}", "",
             f"- Device: {a['name']} ({a['device']}), torch {a['torch']}, Python {a['python']}",
             f"- Batch {r['batch']}, lengths {', '.join(map(str, r['lengths']))}; {r['warmup']} warm-up, median of {r['repeats']}",
             f"- Model: ListOps paper preset{', changed: ' + json.dumps(r['overrides']) if r['overrides'] else ''}",
             f"- Timing: {r['timing']}", "",
             "| variant | mode | n | batch | ms/step | IQR (min–max) | seq/s | peak mem/seq | note |",
             "|---|---|---|---|---|---|---|---|---|"]
    for x in r["rows"]:
        if x["status"] != "ok":
            lines.append(f"| {NAMES[x['variant']]} | {x['mode']} | {x['n']} | {x['batch']} | {x['status']} | | | | {x.get('note', '')} |")
            continue
        ms = x["ms"]
        mem = f"{x['peakBytesPerSequence'] / 2 ** 20:.2f} MiB" if "peakBytesPerSequence" in x else "—"
        impl = x.get("implementation")
        note = "" if impl is None else "scaled_dot_product_attention" if impl == "sdpa" else "composed: this torch has no scaled_dot_product_attention"
        lines.append(f"| {NAMES[x['variant']]} | {x['mode']} | {x['n']} | {x['batch']} | {ms['median']:.3g} | "
                     f"{ms['q1']:.3g}–{ms['q3']:.3g} ({ms['min']:.3g}–{ms['max']:.3g}) | {x['sequencesPerSecond']:.3g} | {mem} | {note} |")

    if r["growth"]:
        lines += ["", "| variant | mode | exponent | R² |", "|---|---|---|---|"]
        lines += [f"| {NAMES[g['variant']]} | {g['mode']} | {g['fit']['exponent']:.2f} | {g['fit']['r2']:.3f} |" for g in r["growth"]]
    return "\n".join(lines) + "\n"


def _int_list(text: str, name: str, lo: int) -> List[int]:
    try:
        values = [int(s) for s in text.split(",") if s.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError(f"--{name} must be comma-separated integers, got {text!r}")
    if not values or any(v < lo for v in values):
        raise argparse.ArgumentTypeError(f"--{name} needs integers ≥ {lo}, got {text!r}")
    return values


def parse_args(argv: Optional[List[str]] = None) -> argparse.Namespace:
    """Command-line options (the same names as scripts/bench.ts)."""
    p = argparse.ArgumentParser(prog="torch_sweep.py", description="PyTorch eager peer of the scaling sweep")
    p.add_argument("--device", default="cuda", help="cuda or cpu")
    p.add_argument("--batch", type=int, default=32)
    p.add_argument("--lengths", type=lambda s: _int_list(s, "lengths", 2), default=[256, 512, 1024, 2048, 4096, 8192])
    p.add_argument("--variants", default="softmax,softmax-fused,nystrom,proxy")
    p.add_argument("--modes", default="train,inference")
    p.add_argument("--warmup", type=int, default=2)
    p.add_argument("--repeats", type=int, default=5)
    p.add_argument("--landmarks", type=int)
    p.add_argument("--conv", type=int)
    p.add_argument("--out", required=True, help="JSON file to write")
    p.add_argument("--md", help="markdown file to write")
    a = p.parse_args(argv)
    a.variants = a.variants.split(",")
    a.modes = a.modes.split(",")
    for v in a.variants:
        if v not in VARIANTS:
            p.error(f"--variants: {v!r} is not one of {', '.join(VARIANTS)}")
    for m in a.modes:
        if m not in MODES:
            p.error(f"--modes: {m!r} is not one of {', '.join(MODES)}")
    if a.batch < 1 or a.warmup < 0 or a.repeats < 1:
        p.error(f"--batch ≥ 1, --warmup ≥ 0, --repeats ≥ 1; got {a.batch}, {a.warmup}, {a.repeats}")
    if a.device not in ("cuda", "cpu"):
        p.error(f"--device must be cuda or cpu, got {a.device!r}")
    if a.device == "cuda" and not torch.cuda.is_available():
        p.error("--device cuda: torch.cuda.is_available() is False")
    return a


def main(argv: Optional[List[str]] = None) -> int:
    a = parse_args(argv)
    overrides = {k: v for k, v in (("landmarks", a.landmarks), ("convKernel", a.conv)) if v is not None}
    result = run_sweep(torch.device(a.device), a.variants, a.lengths, a.batch, a.warmup, a.repeats, overrides, a.modes)
    with open(a.out, "w") as f:
        json.dump(result, f, indent=2)
    if a.md:
        with open(a.md, "w") as f:
            f.write(to_markdown(result))
    for g in result["growth"]:
        print(f"growth {g['variant']} {g['mode']}: exponent {g['fit']['exponent']:.2f} (R² {g['fit']['r2']:.3f})")
    print(f"wrote {a.out}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
