"""Parameter names and shapes equal docs/model-contract.md's state_dict list for every variant,
and every name the model has is written in that document."""
import os
import re
import unittest

import torch

from helpers import REPO, VARIANTS, build, tiny_batch, tiny_config


def contract_parameters(c):
    """The contract's list, written out independently of the model code."""
    d, f, h, m = c.dModel, c.ffn, c.heads, c.landmarks
    p = {"embed.tokens.weight": [c.vocabSize, d], "embed.positions.weight": [c.seqLen, d],
         "norm.weight": [d], "norm.bias": [d],
         "head.fc1.weight": [f, 4 * d if c.twoTower else d], "head.fc1.bias": [f],
         "head.fc2.weight": [c.numClasses, f], "head.fc2.bias": [c.numClasses]}
    for i in range(c.layers):
        L = f"layers.{i}."
        p.update({L + "norm1.weight": [d], L + "norm1.bias": [d], L + "norm2.weight": [d], L + "norm2.bias": [d],
                  L + "ffn.fc1.weight": [f, d], L + "ffn.fc1.bias": [f],
                  L + "ffn.fc2.weight": [d, f], L + "ffn.fc2.bias": [d]})
        for proj in ("qk", "v", "out") if c.attention == "reformer" else ("q", "k", "v", "out"):
            p[L + f"attn.{proj}.weight"] = [d, d]
            p[L + f"attn.{proj}.bias"] = [d]
        if c.attention in ("nystrom", "proxy") and c.convKernel > 0:
            p[L + "attn.conv.weight"] = [h, c.convKernel]
        if c.attention == "proxy":
            if c.proxyParam == "projected":
                p[L + "attn.proxies"] = [m, d]
            else:
                p[L + "attn.proxy_q"] = [h, m, d // h]
                p[L + "attn.proxy_k"] = [h, m, d // h]
            if c.injection == "mean":
                p[L + "attn.inject.weight"] = [d, d]
                p[L + "attn.inject.bias"] = [d]
        if c.attention == "linformer" and c.linformerSharing == "per-layer":
            p[L + "attn.linformer_e"] = [h, c.linformerK, c.seqLen]
        if c.attention == "performer":
            p[L + "attn.features"] = [c.performerFeatures, d // h]  # a buffer: state, not a parameter
        if c.attention == "bigbird":  # a buffer: the random blocks, block ids (−1 none)
            p[L + "attn.random_blocks"] = [max(c.seqLen // c.bigbirdBlock - 2, 1), max(c.bigbirdRandom, 1)]
        if c.attention == "reformer":  # a buffer: the evaluation rotations [H, d_h, rounds · buckets/2]
            buckets = 2 ** ((2 * (c.seqLen // c.reformerChunk)).bit_length() - 1)
            p[L + "attn.rotations"] = [h, d // h, c.reformerHashes * max(1, buckets // 2)]
    if c.attention == "linformer" and c.linformerSharing == "shared":
        p["linformer_e"] = [h, c.linformerK, c.seqLen]
    return p


class ParameterNamesTest(unittest.TestCase):
    def test_state_dict_matches_contract(self):
        for name, change in VARIANTS.items():
            for extra in ({}, {"layers": 2, "twoTower": True}):
                c = tiny_config(**change, **extra)
                with self.subTest(variant=name, **extra):
                    model = build(c)
                    got = {k: list(v.shape) for k, v in model.state_dict().items()}
                    self.assertEqual(got, contract_parameters(c))

    def test_every_name_is_in_the_contract_document(self):
        with open(os.path.join(REPO, "docs", "model-contract.md"), encoding="utf-8") as f:
            block = f.read().split("## Parameter names")[1].split("```")[1]
        written = set()
        for line in block.splitlines():
            if not line.strip():
                continue
            stem = line.split()[0]
            written.add(stem)
            if "/ .bias" in line:
                written.add(stem.rsplit(".", 1)[0] + ".bias")
            for other in re.findall(r"likewise ((?:\.\w+ ?)+)", line):
                for proj in other.split():
                    written.add(stem.replace(".q.", proj + ".", 1))
                    written.add(stem.replace(".q.", proj + ".", 1).rsplit(".", 1)[0] + ".bias")
        for name, change in VARIANTS.items():
            c = tiny_config(**change, layers=2)
            for key in build(c).state_dict():
                self.assertIn(re.sub(r"^layers\.\d+\.", "layers.i.", key), written)

    def test_forward_shapes(self):
        for name, change in VARIANTS.items():
            for two in (False, True):
                c = tiny_config(**change, twoTower=two)
                with self.subTest(variant=name, twoTower=two):
                    out = build(c)(tiny_batch(c, batch=3), return_views=True)
                    self.assertEqual(list(out["logits"].shape), [3, c.numClasses])
                    self.assertEqual(out["loss"].dim(), 0)
                    self.assertEqual(len(out["views"]), 2 if two else 1)
                    self.assertTrue(torch.isfinite(out["loss"]))


if __name__ == "__main__":
    unittest.main()
