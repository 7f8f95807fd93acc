"""Our WebGPU sweep (scripts/bench.ts, bench.json) against the PyTorch eager sweep (torch_sweep.py)
on the same card: for each (variant, mode, length) both ran, ms per sequence of each and the
ratio ours ÷ PyTorch (the target in docs/gpu.md "Targets": within 2×, i.e. ratio ≤ 2; below 1 we are faster).
Per-sequence time, so a row whose batch was shrunk on one side still compares.

    python3 python/bench/compare.py ours/bench.json torch.json --out compare.json --md compare.md
"""
import argparse
import json
import sys
from typing import Any, Dict, List, Optional

NAMES = {"softmax": "softmax", "softmax-fused": "softmax (fused)", "nystrom": "Nyströmformer", "proxy": "Proxyformer"}


def compare(ours: Dict[str, Any], torch_result: Dict[str, Any]) -> Dict[str, Any]:
    """Ratio rows for every (variant, mode, n) that ran on both sides."""
    if ours.get("schema") != "proxyformer-bench/1":
        raise ValueError(f"first file is not a scripts/bench.ts result (schema {ours.get('schema')!r})")
    if torch_result.get("schema") != "proxyformer-bench-torch/1":
        raise ValueError(f"second file is not a torch_sweep.py result (schema {torch_result.get('schema')!r})")
    theirs = {(r["variant"], r["mode"], r["n"]): r for r in torch_result["rows"] if r.get("status") == "ok"}
    rows: List[Dict[str, Any]] = []
    for r in ours["rows"]:
        t = theirs.get((r["variant"], r["mode"], r["n"]))
        if r.get("status") != "ok" or t is None:
            continue
        ours_ms = r["ms"]["median"] / r["batch"]
        torch_ms = t["ms"]["median"] / t["batch"]
        row = {"variant": r["variant"], "mode": r["mode"], "n": r["n"], "batchOurs": r["batch"], "batchTorch": t["batch"],
               "msPerSequenceOurs": ours_ms, "msPerSequenceTorch": torch_ms, "oursOverTorch": ours_ms / torch_ms,
               "withinTwoX": ours_ms / torch_ms <= 2}
        if "peakBytesPerSequence" in t:
            row["memoryOursOverTorch"] = r["peakBytesPerSequence"] / t["peakBytesPerSequence"]
        rows.append(row)
    return {"schema": "proxyformer-bench-compare/1", "ours": ours["adapter"], "torch": torch_result["adapter"], "rows": rows}


def to_markdown(c: Dict[str, Any]) -> str:
    """The ratio table, naming both sides' adapters."""
    o, t = c["ours"], c["torch"]
    lines = [f"# Ours (WebGPU, {o.get('label')}) against PyTorch eager ({t.get('name')}, torch {t.get('torch')})", "",
             f"- Ours: {o.get('vendor')} / {o.get('architecture')} / {o.get('description')} — {o.get('runtime')}",
             "- Ratio = our ms per sequence ÷ PyTorch's (target ≤ 2; below 1 we are faster)", "",
             "| variant | mode | n | batch (ours/torch) | ours ms/seq | torch ms/seq | ratio | ≤ 2× | memory ratio |",
             "|---|---|---|---|---|---|---|---|---|"]
    for r in c["rows"]:
        mem = f"{r['memoryOursOverTorch']:.2f}" if "memoryOursOverTorch" in r else "—"
        lines.append(f"| {NAMES[r['variant']]} | {r['mode']} | {r['n']} | {r['batchOurs']}/{r['batchTorch']} | "
                     f"{r['msPerSequenceOurs']:.4g} | {r['msPerSequenceTorch']:.4g} | {r['oursOverTorch']:.2f} | "
                     f"{'yes' if r['withinTwoX'] else 'no'} | {mem} |")
    return "\n".join(lines) + "\n"


def main(argv: Optional[List[str]] = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("ours")
    p.add_argument("torch")
    p.add_argument("--out", required=True)
    p.add_argument("--md")
    a = p.parse_args(argv)
    with open(a.ours) as f:
        ours = json.load(f)
    with open(a.torch) as f:
        theirs = json.load(f)
    c = compare(ours, theirs)
    with open(a.out, "w") as f:
        json.dump(c, f, indent=2)
    if a.md:
        with open(a.md, "w") as f:
            f.write(to_markdown(c))
    print(to_markdown(c))
    return 0


if __name__ == "__main__":
    sys.exit(main())
